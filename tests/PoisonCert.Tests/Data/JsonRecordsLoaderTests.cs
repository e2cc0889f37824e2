using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class JsonRecordsLoaderTests
{
    private const string Cars = """
        [
          {"Name": "a", "Mpg": 18, "Power": 130, "Year": "1970-01-01", "Origin": "USA"},
          {"Name": "b", "Mpg": null, "Power": 165, "Year": "1971-01-01", "Origin": "Japan"},
          {"Name": "c", "Mpg": 25, "Power": null, "Year": "1972-01-01", "Origin": "Europe"},
          {"Name": "d", "Mpg": 30, "Power": 90, "Year": "1973-01-01", "Origin": "Japan"}
        ]
        """;

    private static JsonRecordsOptions CarOptions => new()
    {
        TargetField = "Mpg", Missing = MissingValuePolicy.DropRow, Categorical = CategoricalPolicy.OneHot,
        IgnoredFields = ["Name"], YearFields = ["Year"],
    };

    [Fact]
    public void Load_CarsWithDropRowAndOneHot_KeepsCompleteRecords()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("cars.json", Cars);
        Dataset dataset = JsonRecordsLoader.Load(path, CarOptions);
        Assert.Equal(["Power", "Year", "Origin=Japan", "Origin=USA"], dataset.FeatureNames);
        Assert.Equal([130, 1970, 0, 1, 90, 1973, 1, 0], dataset.Features.ToArray());
        Assert.Equal([18.0, 30.0], dataset.RegressionTargets.ToArray());
    }

    [Fact]
    public void Load_NullWithRejectPolicy_ThrowsAtTheNull()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("cars.json", Cars);
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, CarOptions with { Missing = MissingValuePolicy.Reject }),
            path, 3, 24, "record 1: field \"Mpg\" is null or absent");
    }

    [Fact]
    public void Load_NameNotIgnoredWithRejectPolicy_ThrowsAtTheFirstName()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("cars.json", Cars);
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, CarOptions with { IgnoredFields = [], Categorical = CategoricalPolicy.Reject }),
            path, 2, 12, "field \"Name\": expected a number, found the string \"a\"");
    }

    [Fact]
    public void Load_UnknownField_ThrowsAtIt()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("extra.json", "[{\"x\": 1, \"y\": 2},\n {\"x\": 3, \"z\": 4}]");
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, new JsonRecordsOptions { TargetField = "y" }), path, 2, 11, "unknown field \"z\"");
    }

    [Fact]
    public void Load_NestedValue_ThrowsAtIt()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("nested.json", "[{\"x\": [1], \"y\": 2}]");
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, new JsonRecordsOptions { TargetField = "y" }), path, 1, 8, "expected a number, a string or null, found an array");
    }

    [Fact]
    public void Load_BadDate_ThrowsAtIt()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("date.json", "[{\"x\": 1, \"when\": \"soon\", \"y\": 2}]");
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, new JsonRecordsOptions { TargetField = "y", YearFields = ["when"] }),
            path, 1, 19, "expected an ISO date");
    }

    [Fact]
    public void Load_HugeNumber_ThrowsNotFinite()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("huge.json", "[{\"x\": 1e400, \"y\": 2}]");
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, new JsonRecordsOptions { TargetField = "y" }), path, 1, 8, "expected a finite number");
    }

    [Fact]
    public void Load_EmptyArray_Throws()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("empty.json", "[]");
        var exception = Assert.Throws<DataFormatException>(() => JsonRecordsLoader.Load(path, new JsonRecordsOptions { TargetField = "y" }));
        Assert.Contains(path, exception.Message);
        Assert.Contains("no records", exception.Message);
    }

    [Fact]
    public void Load_RealCarsWithoutDropRow_ThrowsAtTheFirstNull()
    {
        string path = TestData.ShippedFile("cars.json");
        var options = new JsonRecordsOptions
        {
            TargetField = "Miles_per_Gallon", Categorical = CategoricalPolicy.OneHot, IgnoredFields = ["Name"], YearFields = ["Year"],
        };
        var exception = Assert.Throws<DataFormatException>(() => JsonRecordsLoader.Load(path, options));
        Assert.Contains("field \"Miles_per_Gallon\" is null or absent", exception.Message);
        string line = File.ReadLines(path).ElementAt(exception.Line!.Value - 1);
        Assert.StartsWith("null", line[(exception.Column!.Value - 1)..]);
    }

    [Fact]
    public void Load_StringOutsideCategoricalFields_ThrowsEvenWithOneHot()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("mixed.json", "[{\"x\": 1, \"kind\": \"a\", \"y\": 2},\n {\"x\": \"oops\", \"kind\": \"b\", \"y\": 3}]");
        var options = new JsonRecordsOptions { TargetField = "y", Categorical = CategoricalPolicy.OneHot, CategoricalFields = ["kind"] };
        DataAssert.ThrowsAtCell(() => JsonRecordsLoader.Load(path, options), path, 2, 8, "not one of the categorical fields");
    }
}
