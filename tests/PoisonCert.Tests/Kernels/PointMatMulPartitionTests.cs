using PoisonCert.Kernels;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The point product's result does not depend on how its rows are split (across workers, or into tiles): every
/// row of a product (large ones run on all cores; the rows past the last full tile go four, then one, at a time)
/// equals bit for bit the same row computed on its own.
/// </summary>
public class PointMatMulPartitionTests
{
    [Theory]
    [InlineData(64, 600, 256)]
    [InlineData(37, 1000, 130)]
    [InlineData(7, 300, 70)]
    [InlineData(13, 50, 33)]
    [InlineData(100, 3, 64)]
    public void Multiply_LargeProduct_EachRowEqualsTheRowComputedAlone(int m, int k, int n)
    {
        var random = new Random(m * 31 + n);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var c = new float[m * n];
        PointMatMul.Multiply<float>(a, b, c, m, k, n);
        var row = new float[n];
        for (var i = 0; i < m; i++)
        {
            PointMatMul.Multiply<float>(a.AsSpan(i * k, k), b, row, 1, k, n);
            for (var j = 0; j < n; j++)
                Assert.True(BitConverter.SingleToInt32Bits(row[j]) == BitConverter.SingleToInt32Bits(c[i * n + j]), $"row {i}, column {j}: {row[j]} alone, {c[i * n + j]} in the product");
        }
    }
}
