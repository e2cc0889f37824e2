using System.Numerics;
using System.Runtime.Intrinsics;
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

    // ---- The blocked insertion (16 rows per block) ----

    private static readonly KernelPath[] EveryPath =
        [KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512, KernelPath.Automatic];

    private static long Bits(T value) => typeof(T) == typeof(float)
        ? BitConverter.SingleToInt32Bits((float)(object)value)
        : BitConverter.DoubleToInt64Bits((double)(object)value);

    // Every coordinate's kept values, then the sums, as bit patterns (±0 distinguished).
    private static long[] Snapshot(TopKAccumulator<T> accumulator)
    {
        var sums = new T[accumulator.Width];
        accumulator.Sum(sums);
        return Enumerable.Range(0, accumulator.Width).SelectMany(accumulator.Kept).Concat(sums).Select(Bits).ToArray();
    }

    private static void AddInPieces(TopKAccumulator<T> accumulator, T[] rows, IEnumerable<int> pieces)
    {
        var width = accumulator.Width;
        var start = 0;
        foreach (var size in pieces)
        {
            accumulator.Add(rows.AsSpan(start * width, size * width), size);
            start += size;
        }
    }

    // Row counts around multiples of the block (short last blocks padded), k = 1 (the maximum), k up to the block
    // size (one chunk) and beyond it (a carry between chunks, last chunk full or partial), widths with a vector part
    // and a scalar tail on every vector width: against brute force and the scalar path, bit for bit.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Accumulator_BlockedPath_RowCountsAndKAroundTheBlock_EveryPathBitIdenticalToScalar(bool smallest)
    {
        var random = new Random(smallest ? 12 : 11);
        foreach (var k in new[] { 1, 2, 3, 15, 16, 17, 31, 32, 33, 50 })
            foreach (var rowCount in new[] { 1, 15, 16, 17, 33, 47, 100 })
            {
                var width = random.Next(2) == 0 ? 21 : 37;
                var rows = RandomRows(random, rowCount, width);
                var scalar = new TopKAccumulator<T>(width, k, smallest, KernelPath.Scalar);
                scalar.Add(rows, rowCount);
                AssertMatchesBruteForce(scalar, rows, rowCount);
                var expected = Snapshot(scalar);
                foreach (var path in EveryPath)
                {
                    var accumulator = new TopKAccumulator<T>(width, k, smallest, path);
                    accumulator.Add(rows, rowCount);
                    Assert.True(expected.SequenceEqual(Snapshot(accumulator)), $"k = {k}, {rowCount} rows, {path}");
                }
            }
    }

    // Single rows (each a padded block of one) between large blocks, and merges of accumulators fed so, equal one Add
    // of the whole stream bit for bit on every path.
    [Property(MaxTest = 60)]
    public bool Accumulator_SingleRowsInterleavedWithBlocks_BitIdenticalToOneShot(int seed)
    {
        var random = new Random(seed);
        var k = new[] { 1, 4, 10, 16, 17, 40 }[random.Next(6)];
        var width = random.Next(1, 45);
        var smallest = random.Next(2) == 0;
        var pieces = Enumerable.Range(0, random.Next(1, 12))
            .Select(_ => random.Next(3) == 0 ? random.Next(16, 70) : 1).ToArray();
        var rowCount = pieces.Sum();
        var rows = RandomRows(random, rowCount, width);
        var oneShot = new TopKAccumulator<T>(width, k, smallest, KernelPath.Scalar);
        oneShot.Add(rows, rowCount);
        AssertMatchesBruteForce(oneShot, rows, rowCount);
        var expected = Snapshot(oneShot);
        foreach (var path in EveryPath)
        {
            var pieceByPiece = new TopKAccumulator<T>(width, k, smallest, path);
            AddInPieces(pieceByPiece, rows, pieces);
            Assert.True(expected.SequenceEqual(Snapshot(pieceByPiece)), $"pieces {string.Join(",", pieces)}, {path}");

            // The pieces alternately into two accumulators, merged one way and the other.
            var even = new TopKAccumulator<T>(width, k, smallest, path);
            var odd = new TopKAccumulator<T>(width, k, smallest, path);
            for (int piece = 0, start = 0; piece < pieces.Length; start += pieces[piece++])
                (piece % 2 == 0 ? even : odd).Add(rows.AsSpan(start * width, pieces[piece] * width), pieces[piece]);
            var evenCopy = new TopKAccumulator<T>(width, k, smallest, path);
            evenCopy.Merge(even);
            even.Merge(odd);
            odd.Merge(evenCopy);
            Assert.True(expected.SequenceEqual(Snapshot(even)), $"merge, pieces {string.Join(",", pieces)}, {path}");
            Assert.True(expected.SequenceEqual(Snapshot(odd)), $"reverse merge, pieces {string.Join(",", pieces)}, {path}");
        }
        return true;
    }

    // The merge of a block into the kept slots is a fixed comparator network per k, so by the 0-1 principle it is
    // exact for all values iff it is for all 0-1 inputs: kept slots 1…1 0…0 (p ones) and a block with q ones. One
    // coordinate per (p, q), every k up to 100 (one chunk, and chunks with a carry), on every path.
    [Fact]
    public void Accumulator_BlockMerge_ExactOnEveryZeroOneInput()
    {
        foreach (var path in EveryPath)
            for (var k = 1; k <= 100; k++)
            {
                var width = (k + 1) * 17;
                var kept = new T[k * width];
                var block = new T[16 * width];
                for (var p = 0; p <= k; p++)
                    for (var q = 0; q <= 16; q++)
                    {
                        var c = p * 17 + q;
                        for (var r = 0; r < p; r++) kept[r * width + c] = T.One;
                        for (var r = 0; r < q; r++) block[(15 - r) * width + c] = T.One; // ones last: the block is sorted
                    }
                var accumulator = new TopKAccumulator<T>(width, k, path: path);
                accumulator.Add(kept, k);
                accumulator.Add(block, 16);
                for (var p = 0; p <= k; p++)
                    for (var q = 0; q <= 16; q++)
                    {
                        var ones = Math.Min(k, p + q);
                        var expected = Enumerable.Range(0, k).Select(s => s < ones ? T.One : T.Zero).ToArray();
                        Assert.True(expected.SequenceEqual(accumulator.Kept(p * 17 + q)), $"{path}, k = {k}, p = {p}, q = {q}");
                    }
            }
    }

    // Streams of ties, −0 and +0 among them: native Max/Min return one operand of an equal pair by position, so
    // ±0 would be kept in an order-dependent way; the accumulator stores +0 for both. Every kept zero is +0, and
    // the kept bits do not depend on the path, the split, the merge order or on rows coming through the fused
    // kernels' hooks.
    [Property(MaxTest = 60)]
    public bool Accumulator_SignedZeroTies_KeptBitsIndependentOfPathSplitAndMerge(int seed)
    {
        var random = new Random(seed);
        var width = random.Next(1, 40);
        var k = random.Next(1, 24);
        var rowCount = random.Next(1, 60);
        var smallest = random.Next(2) == 0;
        var choices = new[] { T.NegativeZero, T.Zero, T.NegativeZero, T.Zero, T.One, -T.One, T.CreateTruncating(2) };
        var rows = Enumerable.Range(0, rowCount * width).Select(_ => choices[random.Next(choices.Length)]).ToArray();
        var scalar = new TopKAccumulator<T>(width, k, smallest, KernelPath.Scalar);
        scalar.Add(rows, rowCount);
        AssertMatchesBruteForce(scalar, rows, rowCount);
        for (var c = 0; c < width; c++)
            Assert.All(scalar.Kept(c), v => Assert.False(T.IsZero(v) && T.IsNegative(v), "a kept zero is −0"));
        var expected = Snapshot(scalar);

        foreach (var path in EveryPath)
        {
            // Forward one row at a time, and backward in random blocks merged back to front: the order in which −0
            // and +0 meet differs.
            var forward = new TopKAccumulator<T>(width, k, smallest, path);
            AddInPieces(forward, rows, Enumerable.Repeat(1, rowCount));
            Assert.True(expected.SequenceEqual(Snapshot(forward)), $"row by row, {path}");
            var merged = new TopKAccumulator<T>(width, k, smallest, path);
            for (var end = rowCount; end > 0;)
            {
                var size = Math.Min(end, random.Next(1, 20));
                var part = new TopKAccumulator<T>(width, k, smallest, path);
                part.Add(rows.AsSpan((end - size) * width, size * width), size);
                merged.Merge(part);
                end -= size;
            }
            Assert.True(expected.SequenceEqual(Snapshot(merged)), $"backward blocks, {path}");
        }

        // The hooks: candidates in stored form (negated when keeping the smallest), vectors where they fit.
        var hooked = new TopKAccumulator<T>(width, k, smallest);
        for (var r = 0; r < rowCount; r++)
        {
            var row = rows.AsSpan(r * width, width).ToArray().Select(v => hooked.StoresNegated ? -v : v).ToArray();
            var c = 0;
            for (; c + Vector512<T>.Count <= width; c += Vector512<T>.Count) hooked.InsertAt(c, Vector512.Create<T>(row.AsSpan(c)));
            for (; c + Vector256<T>.Count <= width; c += Vector256<T>.Count) hooked.InsertAt(c, Vector256.Create<T>(row.AsSpan(c)));
            for (; c < width; c++) hooked.InsertAt(c, row[c]);
            hooked.CountRows(1);
        }
        Assert.True(expected.SequenceEqual(Snapshot(hooked)), "hooks");
        return true;
    }
}

public sealed class SingleTopKAccumulatorTests : TopKAccumulatorTests<float> { }

public sealed class DoubleTopKAccumulatorTests : TopKAccumulatorTests<double> { }
