using System.Numerics;
using FsCheck.Xunit;
using PoisonCert.Kernels;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The streaming top-k accumulator against a brute-force sort per coordinate, with exact sums: kept values equal
/// the k best exactly; sums enclose the exact sum with zero slack; results are bit-identical for any split of the
/// stream into fragments, any merge tree and every SIMD width.
/// </summary>
public abstract class TopKAccumulatorTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    private static T[] RandomRows(Random random, int rows, int width)
    {
        var sampler = new BoxSampler<T>(random.Next());
        var values = new T[rows * width];
        for (var i = 0; i < values.Length; i++)
            values[i] = random.Next(8) == 0 ? T.CreateTruncating(random.Next(-2, 3)) : sampler.Value(); // ties included
        return values;
    }

    private static void AssertMatchesBruteForce(TopKAccumulator<T> accumulator, T[] rows, int rowCount)
    {
        var width = accumulator.Width;
        var sums = new T[width];
        accumulator.Sum(sums);
        for (var c = 0; c < width; c++)
        {
            var column = Enumerable.Range(0, rowCount).Select(r => rows[r * width + c]).ToList();
            var ordered = accumulator.KeepsSmallest ? column.OrderBy(v => v).ToList() : column.OrderByDescending(v => v).ToList();
            var expected = ordered.Take(accumulator.K).ToArray();
            Assert.Equal(expected, accumulator.Kept(c));
            var exact = expected.Aggregate(Rational.Zero, (sum, v) => sum + Rational.From(v));
            if (accumulator.KeepsSmallest)
                Assert.True(Rational.From(sums[c]) <= exact, $"coordinate {c}: {sums[c]:R} above the exact sum {exact}");
            else
                Assert.True(exact <= Rational.From(sums[c]), $"coordinate {c}: {sums[c]:R} below the exact sum {exact}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Accumulator_EveryWidthUpTo300_MatchesBruteForceAndBoundsExactSum(bool smallest)
    {
        var random = new Random(smallest ? 2 : 1);
        for (var width = 0; width <= 300; width++)
        {
            var k = random.Next(0, 7);
            var rowCount = random.Next(0, 12);
            var rows = RandomRows(random, rowCount, width);
            var accumulator = new TopKAccumulator<T>(width, k, smallest);
            accumulator.Add(rows, rowCount);
            AssertMatchesBruteForce(accumulator, rows, rowCount);
        }
    }

    [Property(MaxTest = 100)]
    public bool Accumulator_RandomFragmentsAndMerges_BitIdenticalToOneShot(int seed)
    {
        var random = new Random(seed);
        var width = random.Next(1, 70);
        var k = random.Next(1, 12);
        var rowCount = random.Next(0, 40);
        var smallest = random.Next(2) == 0;
        var rows = RandomRows(random, rowCount, width);
        var oneShot = new TopKAccumulator<T>(width, k, smallest);
        oneShot.Add(rows, rowCount);

        // Split into random fragments spread over random accumulators, then merge them in a random order.
        var parts = Enumerable.Range(0, random.Next(1, 5)).Select(_ => new TopKAccumulator<T>(width, k, smallest)).ToList();
        for (var start = 0; start < rowCount;)
        {
            var size = Math.Min(rowCount - start, random.Next(1, 9));
            parts[random.Next(parts.Count)].Add(rows.AsSpan(start * width, size * width), size);
            start += size;
        }
        while (parts.Count > 1)
        {
            var a = random.Next(parts.Count);
            var b = (a + 1 + random.Next(parts.Count - 1)) % parts.Count;
            parts[a].Merge(parts[b]);
            parts.RemoveAt(b);
        }
        var expected = new T[width];
        var actual = new T[width];
        oneShot.Sum(expected);
        parts[0].Sum(actual);
        Assert.Equal(expected, actual);
        AssertMatchesBruteForce(parts[0], rows, rowCount);
        return true;
    }

    // Many rows per Add. Every kind of column: random
    // with ties, all equal, ascending (every value beats the threshold: the collection buffer overflows), descending;
    // several Add calls in a row so that earlier kept values take part; every path against brute force and the
    // scalar path bit for bit.
    [Theory]
    [InlineData(1, 64, false)]
    [InlineData(5, 200, true)]
    [InlineData(10, 500, false)]
    [InlineData(10, 500, true)]
    [InlineData(30, 640, false)]
    public void Accumulator_ManyRowsPerAdd_MatchesBruteForceAndScalarPath(int k, int rowCount, bool smallest)
    {
        var random = new Random(k * 1000 + rowCount);
        foreach (var width in new[] { 16, 40, 130 })
        {
            var rows = RandomRows(random, rowCount, width);
            for (var r = 0; r < rowCount; r++)
            {
                rows[r * width + 1] = T.CreateTruncating(3);                 // all equal
                rows[r * width + 2] = T.CreateTruncating(r);                 // ascending
                rows[r * width + 3] = T.CreateTruncating(-r);                // descending
                rows[r * width + 4] = T.CreateTruncating(r % 7 == 0 ? 1 : 0); // mostly ties at zero
            }
            var scalar = new TopKAccumulator<T>(width, k, smallest, KernelPath.Scalar);
            var split = rowCount / 3;
            scalar.Add(rows.AsSpan(0, split * width), split);
            scalar.Add(rows.AsSpan(split * width), rowCount - split);
            var expected = new T[width];
            scalar.Sum(expected);
            foreach (var path in new[] { KernelPath.Automatic, KernelPath.Vector512, KernelPath.Vector256 })
            {
                var accumulator = new TopKAccumulator<T>(width, k, smallest, path);
                accumulator.Add(rows.AsSpan(0, split * width), split);
                accumulator.Add(rows.AsSpan(split * width), rowCount - split);
                AssertMatchesBruteForce(accumulator, rows, rowCount);
                var actual = new T[width];
                accumulator.Sum(actual);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Accumulator_EverySimdWidth_EqualsScalarPathBitForBit()
    {
        var random = new Random(9);
        foreach (var width in new[] { 1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257 })
        {
            var rows = RandomRows(random, 30, width);
            var scalar = new TopKAccumulator<T>(width, 5, path: KernelPath.Scalar);
            scalar.Add(rows, 30);
            var expected = new T[width];
            scalar.Sum(expected);
            foreach (var path in new[] { KernelPath.Automatic, KernelPath.Vector512, KernelPath.Vector256, KernelPath.Vector128 })
            {
                var vector = new TopKAccumulator<T>(width, 5, path: path);
                vector.Add(rows, 30);
                var actual = new T[width];
                vector.Sum(actual);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void Accumulator_KZero_SumsToZero()
    {
        var accumulator = new TopKAccumulator<T>(3, 0);
        accumulator.Add(new T[] { T.One, T.One, T.One }, 1);
        var sums = new T[3];
        accumulator.Sum(sums);
        Assert.All(sums, s => Assert.Equal(T.Zero, s));
    }

    [Fact]
    public void Accumulator_WrongShapes_ThrowWithSizes()
    {
        var accumulator = new TopKAccumulator<T>(4, 2);
        var error = Assert.Throws<ArgumentException>(() => accumulator.Add(new T[7], 2));
        Assert.Contains("8", error.Message);
        Assert.Throws<ArgumentException>(() => accumulator.Merge(new TopKAccumulator<T>(4, 3)));
    }
}

public sealed class SingleTopKAccumulatorTests : TopKAccumulatorTests<float> { }

public sealed class DoubleTopKAccumulatorTests : TopKAccumulatorTests<double> { }
