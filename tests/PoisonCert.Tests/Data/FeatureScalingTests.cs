using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class FeatureScalingTests
{
    private static double[] Column(Dataset dataset, int column) =>
        [.. Enumerable.Range(0, dataset.Rows).Select(row => dataset.Row(row)[column])];

    [Fact]
    public void Standardize_FittedOnTrain_UsesTrainStatisticsOnly()
    {
        Dataset wdbc = TestData.Registry().Load("wdbc");
        DatasetSplit split = DatasetSplitter.Split(wdbc, 0.3, 5);
        FeatureScaling scaling = FeatureScaling.Fit(split.Train, ScalingMethod.Standardize);
        Assert.Equal(split.Train.Rows, scaling.FittedOnRows);
        for (int column = 0; column < wdbc.Columns; column++)
        {
            double[] train = Column(split.Train, column);
            double mean = train.Average();
            double deviation = Math.Sqrt(train.Select(value => (value - mean) * (value - mean)).Average());
            Assert.Equal(mean, scaling.Offsets[column], 1e-9 * Math.Max(1, Math.Abs(mean)));
            Assert.Equal(deviation, scaling.Scales[column], 1e-9 * Math.Max(1, deviation));
        }
        Assert.NotEqual(Column(wdbc, 0).Average(), scaling.Offsets[0]);
        Dataset scaledTrain = scaling.Apply(split.Train);
        Dataset scaledTest = scaling.Apply(split.Test);
        for (int column = 0; column < wdbc.Columns; column++)
        {
            Assert.Equal(0.0, Column(scaledTrain, column).Average(), 1e-9);
        }
        Assert.NotEqual(0.0, Math.Round(Column(scaledTest, 0).Average(), 12));
        Assert.Equal(split.Test.Labels.ToArray(), scaledTest.Labels.ToArray());
    }

    [Fact]
    public void MinMax_FittedOnTrain_MapsTrainOntoUnitInterval()
    {
        Dataset wine = TestData.Registry().Load("wine");
        DatasetSplit split = DatasetSplitter.Split(wine, 0.3, 11);
        FeatureScaling scaling = FeatureScaling.Fit(split.Train, ScalingMethod.MinMax);
        Dataset scaledTrain = scaling.Apply(split.Train);
        for (int column = 0; column < wine.Columns; column++)
        {
            double[] values = Column(scaledTrain, column);
            Assert.Equal(0.0, values.Min(), 1e-12);
            Assert.Equal(1.0, values.Max(), 1e-12);
            Assert.Equal(Column(split.Train, column).Min(), scaling.Offsets[column]);
        }
        Assert.Equal(ScalingMethod.MinMax, scaling.Method);
        Assert.Equal(wine.FeatureNames, scaling.FeatureNames);
    }

    [Fact]
    public void Fit_ConstantColumn_GetsScaleOne()
    {
        Dataset digits = TestData.Registry().Load("digits");
        FeatureScaling scaling = FeatureScaling.Fit(digits, ScalingMethod.Standardize);
        Assert.All(Column(digits, 0), value => Assert.Equal(0.0, value)); // the top-left pixel is always blank
        Assert.Equal(1.0, scaling.Scales[0]);
        Assert.All(scaling.Apply(digits).Features.ToArray(), value => Assert.True(double.IsFinite(value)));
    }

    [Fact]
    public void Apply_DifferentFeatureCount_ThrowsInvalidConfiguration()
    {
        DatasetRegistry registry = TestData.Registry();
        FeatureScaling scaling = FeatureScaling.Fit(registry.Load("iris"), ScalingMethod.MinMax);
        Assert.Throws<InvalidConfigurationException>(() => scaling.Apply(registry.Load("wine")));
    }

    [Fact]
    public void None_Apply_LeavesFeaturesUnchanged()
    {
        Dataset heart = TestData.Registry().Load("heart");
        FeatureScaling scaling = FeatureScaling.Fit(heart, ScalingMethod.None);
        Assert.Equal(heart.Features.ToArray(), scaling.Apply(heart).Features.ToArray());
    }
}
