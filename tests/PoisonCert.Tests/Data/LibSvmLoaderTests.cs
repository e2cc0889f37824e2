using PoisonCert.Data;

namespace PoisonCert.Tests.Data;

public class LibSvmLoaderTests
{
    [Fact]
    public void Load_SparseRows_FillsAbsentIndicesWithZeroAndMapsLabels()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("small.svm", "+1 1:0.5 3:-2 # comment\n-1 2:1\n\n+1 4:7\n");
        Dataset dataset = LibSvmLoader.Load(path);
        Assert.Equal((3, 4), (dataset.Rows, dataset.Columns));
        Assert.Equal([0.5, 0, -2, 0, 0, 1, 0, 0, 0, 0, 0, 7], dataset.Features.ToArray());
        Assert.Equal(["-1", "1"], dataset.ClassNames);
        Assert.Equal([1, 0, 1], dataset.Labels.ToArray());
    }

    [Fact]
    public void Load_GivenFeatureCount_WidensRows()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("small.svm", "3 1:1\n5 2:2\n");
        Dataset dataset = LibSvmLoader.Load(path, new LibSvmOptions { FeatureCount = 5, TargetKind = TargetKind.Regression });
        Assert.Equal((2, 5), (dataset.Rows, dataset.Columns));
        Assert.Equal([3.0, 5.0], dataset.RegressionTargets.ToArray());
    }

    [Fact]
    public void Load_IndexAboveFeatureCount_ThrowsNamingLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("wide.svm", "+1 1:1\n-1 2:1 14:0.5\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path, new LibSvmOptions { FeatureCount = 13 }), path, 2, 8, "feature index 14 out of range");
    }

    [Fact]
    public void Load_DecreasingIndices_ThrowsNamingLineAndColumn()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("order.svm", "+1 2:1 1:1\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 1, 8, "expected strictly increasing indices");
    }

    [Fact]
    public void Load_ZeroIndex_ThrowsBecauseIndicesAreOneBased()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("zero.svm", "+1 0:1\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 1, 4, "indices are 1-based");
    }

    [Fact]
    public void Load_NonNumericValue_ThrowsAtTheValue()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("text.svm", "+1 1:1\n-1 1:x\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 2, 6, "expected a number, found 'x'");
    }

    [Fact]
    public void Load_NaNLabel_ThrowsAtTheLabel()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("nan.svm", "+1 1:1\n  NaN 1:1\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 2, 3, "expected a finite number");
    }

    [Fact]
    public void Load_TokenWithoutColon_Throws()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("colon.svm", "+1 1:1 2\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 1, 8, "expected 'index:value'");
    }

    [Fact]
    public void Load_HugeInferredIndex_ThrowsInsteadOfAllocating()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("huge.svm", "+1 1:1\n-1 2000000000:1\n");
        DataAssert.ThrowsAtCell(() => LibSvmLoader.Load(path), path, 2, 4, "expected a smaller index");
    }

    [Fact]
    public void Load_OnlyComments_ThrowsEmpty()
    {
        using var scratch = new ScratchFolder();
        string path = scratch.Write("empty.svm", "# nothing\n\n");
        var exception = Assert.Throws<DataFormatException>(() => LibSvmLoader.Load(path));
        Assert.Contains(path, exception.Message);
        Assert.Contains("empty", exception.Message);
    }
}
