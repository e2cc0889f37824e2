using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class DatasetSplitterTests
{
    [Fact]
    public void SplitMix64_SeedZero_ProducesThePublishedSequence()
    {
        var generator = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, generator.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, generator.Next());
        Assert.Equal(0x06C45D188009454FUL, generator.Next());
    }

    [Fact]
    public void SplitMix64_NextBelowSix_IsRoughlyUniform()
    {
        var generator = new SplitMix64(12345);
        var counts = new int[6];
        for (int draw = 0; draw < 60000; draw++)
        {
            counts[generator.NextBelow(6)]++;
        }
        Assert.All(counts, count => Assert.InRange(count, 9600, 10400));
    }

    [Fact]
    public void Split_SameSeed_GivesIdenticalSplits()
    {
        Dataset wdbc = TestData.Registry().Load("wdbc");
        DatasetSplit first = DatasetSplitter.Split(wdbc, 0.25, 42);
        DatasetSplit second = DatasetSplitter.Split(wdbc, 0.25, 42);
        Assert.Equal(first.TestRowIndices, second.TestRowIndices);
        Assert.Equal(first.Train.Features.ToArray(), second.Train.Features.ToArray());
        Assert.Equal(first.Description with { SourceFiles = [] }, second.Description with { SourceFiles = [] });
    }

    [Fact]
    public void Split_DifferentSeeds_GiveDifferentSplits()
    {
        Dataset wdbc = TestData.Registry().Load("wdbc");
        Assert.NotEqual(DatasetSplitter.Split(wdbc, 0.25, 1).TestRowIndices, DatasetSplitter.Split(wdbc, 0.25, 2).TestRowIndices);
    }

    [Theory]
    [InlineData(0.25, false)]
    [InlineData(0.1, true)]
    [InlineData(0.5, false)]
    public void Split_AnyFraction_PartitionsRowsAndCopiesTheirData(double fraction, bool stratified)
    {
        Dataset wine = TestData.Registry().Load("wine");
        DatasetSplit split = DatasetSplitter.Split(wine, fraction, 7, stratified);
        Assert.Equal(Enumerable.Range(0, wine.Rows), split.TrainRowIndices.Concat(split.TestRowIndices).Order());
        Assert.Equal(split.TrainRowIndices.Order(), split.TrainRowIndices);
        if (!stratified)
        {
            Assert.Equal((int)Math.Round(wine.Rows * fraction, MidpointRounding.AwayFromZero), split.Test.Rows);
        }
        for (int row = 0; row < split.Test.Rows; row++)
        {
            Assert.Equal(wine.Row(split.TestRowIndices[row]).ToArray(), split.Test.Row(row).ToArray());
            Assert.Equal(wine.Labels[split.TestRowIndices[row]], split.Test.Labels[row]);
        }
        Assert.Equal((split.Train.Rows, split.Test.Rows), (split.Description.TrainRows, split.Description.TestRows));
        Assert.Equal(wine.SourceFiles, split.Description.SourceFiles);
    }

    [Fact]
    public void Split_Stratified_KeepsEachClassFraction()
    {
        Dataset wdbc = TestData.Registry().Load("wdbc");
        DatasetSplit split = DatasetSplitter.Split(wdbc, 0.25, 2024, stratified: true);
        Assert.Equal([53, 89], split.Test.CountPerClass()); // round(212/4), round(357/4)
        Assert.Equal([159, 268], split.Train.CountPerClass());
        Assert.Equal(DatasetSplitter.StratifiedMethodName, split.Description.Method);
        Assert.Equal((2024UL, 0.25, true), (split.Description.Seed, split.Description.TestFraction, split.Description.Stratified));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Split_FractionOutsideOpenUnitInterval_ThrowsInvalidConfiguration(double fraction)
    {
        Dataset iris = TestData.Registry().Load("iris");
        Assert.Throws<InvalidConfigurationException>(() => DatasetSplitter.Split(iris, fraction, 1));
    }

    [Fact]
    public void Split_StratifiedRegression_ThrowsInvalidConfiguration()
    {
        Dataset diabetes = TestData.Registry().Load("diabetes");
        Assert.Throws<InvalidConfigurationException>(() => DatasetSplitter.Split(diabetes, 0.2, 1, stratified: true));
    }

    [Fact]
    public void Split_Regression_CopiesTargetsWithTheirRows()
    {
        Dataset diabetes = TestData.Registry().Load("diabetes");
        DatasetSplit split = DatasetSplitter.Split(diabetes, 0.2, 99);
        for (int row = 0; row < split.Train.Rows; row++)
        {
            Assert.Equal(diabetes.RegressionTargets[split.TrainRowIndices[row]], split.Train.RegressionTargets[row]);
        }
    }
}
