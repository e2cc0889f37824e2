using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class CsvLoaderTests
{
    [Fact]
    public void Load_NamesHeaderWithTargetByName_UsesOtherColumnsAsFeatures()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("small.csv", "a,kind,b\n1,x,2\n3,y,4\n5,x,6\n");
        Dataset dataset = CsvLoader.Load(path, new CsvOptions { TargetColumnName = "kind" });
        Assert.Equal(["a", "b"], dataset.FeatureNames);
        Assert.Equal([1, 2, 3, 4, 5, 6], dataset.Features.ToArray());
        Assert.Equal(["x", "y"], dataset.ClassNames);
        Assert.Equal([0, 1, 0], dataset.Labels.ToArray());
        Assert.Equal("kind", dataset.TargetName);
    }

    [Fact]
    public void Load_NoHeaderTargetByIndexRegression_ReadsNumbers()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("regression.csv", "2.5;1;-3e2\n0.5;2;4\n");
        Dataset dataset = CsvLoader.Load(path, new CsvOptions { Delimiter = ';', TargetColumnIndex = 1, TargetKind = TargetKind.Regression });
        Assert.Equal(["column1", "column3"], dataset.FeatureNames);
        Assert.Equal([2.5, -300, 0.5, 4], dataset.Features.ToArray());
        Assert.Equal([1.0, 2.0], dataset.RegressionTargets.ToArray());
    }

    [Fact]
    public void Load_SklearnHeader_DetectedAutomaticallyWithClassNames()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("tiny.csv", "3,2,cat,dog\n1,2,0\n3,4,1\n5,6,1\n");
        Dataset dataset = CsvLoader.Load(path);
        Assert.Equal((3, 2), (dataset.Rows, dataset.Columns));
        Assert.Equal(["cat", "dog"], dataset.ClassNames);
        Assert.Equal([1, 2], dataset.CountPerClass());
    }

    [Fact]
    public void Load_QuotedCellsWithDelimiterAndQuote_AreOneCategory()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("quoted.csv", "name,value,label\n\"a, \"\"b\"\"\",1,0\nplain,2,1\n");
        Dataset dataset = CsvLoader.Load(path, new CsvOptions { Categorical = CategoricalPolicy.OneHot });
        Assert.Equal(["name=a, \"b\"", "name=plain", "value"], dataset.FeatureNames);
    }

    [Fact]
    public void Load_MissingValuesWithDropRow_DropsExactlyIncompleteRows()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("missing.csv", "a,b,y\n1,2,0\nNA,3,1\n4,?,1\n5,,0\n6,7,1\n");
        Dataset dataset = CsvLoader.Load(path, new CsvOptions { Missing = MissingValuePolicy.DropRow });
        Assert.Equal([1, 2, 6, 7], dataset.Features.ToArray());
        Assert.Equal([0, 1], dataset.Labels.ToArray());
    }

    [Fact]
    public void Load_WhitespaceDelimitedGzipWithSeparateTargets_PairsRows()
    {
        using var scratch = new ScratchFolder();
        string features = scratch.Write("x.gz", TestData.Gzip(TestData.Utf8("1 2\t 3\n 4  5 6 \n")));
        string targets = scratch.Write("y.gz", TestData.Gzip(TestData.Utf8("1.0e+01\n2.0e+01\n")));
        Dataset dataset = CsvLoader.LoadWithSeparateTargets(features, targets, new CsvOptions { Delimiter = ' ', TargetKind = TargetKind.Regression });
        Assert.Equal((2, 3), (dataset.Rows, dataset.Columns));
        Assert.Equal([10.0, 20.0], dataset.RegressionTargets.ToArray());
    }

    [Fact]
    public void Load_RaggedRow_ThrowsNamingFileLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("ragged.csv", "a,b,y\n1,2,0\n3,4\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 3, 3, "ragged row: expected 3 cells");
    }

    [Fact]
    public void Load_NonNumericCellWithRejectPolicy_ThrowsNamingFileLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("text.csv", "a,b,y\n1,2,0\n3,abc,1\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 3, 2, "expected a number, found 'abc'");
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e999")]
    public void Load_NonFiniteCell_ThrowsNamingFileLineAndColumn(string cell)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("nan.csv", $"a,b,y\n1,2,0\n3,4,1\n5,{cell},0\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 4, 2, "expected a finite number");
    }

    [Theory]
    [InlineData("NA")]
    [InlineData("?")]
    [InlineData("")]
    public void Load_MissingValueWithRejectPolicy_ThrowsNamingFileLineAndColumn(string cell)
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("missing.csv", $"a,b,y\n1,2,0\n3,{cell},1\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 3, 2, "missing value");
    }

    [Fact]
    public void Load_SklearnLabelOutOfRange_ThrowsNamingFileLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("labels.csv", "2,2,a,b\n1,2,0\n3,4,2\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 3, 3, "class label 2 out of range: expected an integer in [0, 2)");
    }

    [Fact]
    public void Load_SklearnHeaderDeclaringMoreRows_ThrowsAtHeader()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("short.csv", "3,2,a,b\n1,2,0\n3,4,1\n");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 1, 1, "declares 3 rows but the file has 2");
    }

    [Fact]
    public void Load_EmptyFile_Throws()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("empty.csv", "");
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.Load(path));
        Assert.Contains(path, exception.Message);
        Assert.Contains("empty", exception.Message);
    }

    [Fact]
    public void Load_InvalidUtf8_ThrowsNamingLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("bytes.csv", [.. TestData.Utf8("a,y\n1,0\n2"), 0xFF, .. TestData.Utf8(",1\n")]);
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path), path, 3, 2, "invalid UTF-8 at byte offset 9");
    }

    [Fact]
    public void LoadWithSeparateTargets_RowCountsDiffer_ThrowsNamingBothFiles()
    {
        using var scratch = new ScratchFolder();
        string features = scratch.Write("x.txt", "1 2\n3 4\n");
        string targets = scratch.Write("y.txt", "1\n");
        var exception = Assert.Throws<DataFormatException>(() => CsvLoader.LoadWithSeparateTargets(features, targets, new CsvOptions { Delimiter = ' ', TargetKind = TargetKind.Regression }));
        Assert.Contains(targets, exception.Message);
        Assert.Contains(features, exception.Message);
    }

    [Fact]
    public void Load_UnknownTargetColumn_ThrowsInvalidConfiguration()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("small.csv", "a,b\n1,2\n");
        var exception = Assert.Throws<InvalidConfigurationException>(() => CsvLoader.Load(path, new CsvOptions { TargetColumnName = "nope" }));
        Assert.Contains("'nope'", exception.Message);
    }

    [Fact]
    public void Load_PenguinsWithoutDropRow_ThrowsAtFirstNA()
    {
        string path = TestData.ShippedFile("penguins.csv");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path, new CsvOptions { TargetColumnName = "species", Categorical = CategoricalPolicy.OneHot }),
            path, 5, 3, "missing value 'NA'");
    }

    [Fact]
    public void Load_PenguinsWithRejectedCategories_ThrowsAtIslandColumn()
    {
        string path = TestData.ShippedFile("penguins.csv");
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path, new CsvOptions { TargetColumnName = "species", Missing = MissingValuePolicy.DropRow }),
            path, 2, 2, "expected a number, found 'Torgersen'");
    }

    [Fact]
    public void Load_NonNumericCellOutsideCategoricalColumns_ThrowsEvenWithOneHot()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("mixed.csv", "color,size,y\nred,1,0\nblue,2,1\ngreen,x3,0\n");
        var options = new CsvOptions { Categorical = CategoricalPolicy.OneHot, CategoricalColumns = ["color"] };
        DataAssert.ThrowsAtCell(() => CsvLoader.Load(path, options), path, 4, 2, "not one of the categorical columns");
        Dataset encoded = CsvLoader.Load(scratch.Write("clean.csv", "color,size,y\nred,1,0\nblue,2,1\n"), options);
        Assert.Equal(["color=blue", "color=red", "size"], encoded.FeatureNames);
        Assert.Equal([0, 1, 1, 1, 0, 2], encoded.Features.ToArray());
    }
}
