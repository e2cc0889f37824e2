using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// Streaming per-coordinate top-k: over a stream of rows (one row = one sample's value for each of
/// <see cref="Width"/> coordinates), keeps for every coordinate the k largest values (or the k smallest) and
/// returns their per-coordinate sum, rounded upward for the largest and downward for the smallest.
/// <para>
/// The result does not depend on how the stream is split into fragments or in which order accumulators are
/// merged, bit for bit: the top-k of a union is the top-k of the parts' top-k's, the kept values are held sorted
/// (a multiset in a canonical order), and the sum runs over that sorted order with directed rounding.
/// </para>
/// <para>
/// Soundness: the sum of the kept values rounded upward (downward) is ≥ (≤) the exact sum of the k largest
/// (smallest) values of the stream; with fewer than k rows only the rows seen are summed. Values must not be NaN.
/// </para>
/// <para>
/// Cost: each row costs one compare per vector of coordinates once the slots are full (values that do not beat
/// the current k-th best of any lane are skipped; a value EQUAL to the k-th best leaves the kept multiset unchanged,
/// so ties are skipped too — frequent for the zero differences of inactive units), and otherwise, in the fused
/// kernels' vector insertion, one compare-exchange per slot from the bottom up to the highest slot any lane's
/// value reaches.
/// </para>
/// </summary>
public sealed class TopKAccumulator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly int _width, _k;
    private readonly bool _smallest;
    private readonly KernelPath _path;
    // Slot-major: _kept[slot * width + coordinate], slot 0 the best. Stored negated when keeping the smallest, so
    // both directions keep the LARGEST stored values. Empty slots hold −∞.
    private readonly T[] _kept;
    private long _rowsSeen;

    public TopKAccumulator(int width, int k, bool smallest = false, KernelPath path = KernelPath.Automatic)
    {
        if (width < 0) throw new ArgumentOutOfRangeException(nameof(width), width, "The width cannot be negative.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k cannot be negative.");
        _width = width;
        _k = k;
        _smallest = smallest;
        _path = path;
        _kept = new T[checked(width * k)];
        Array.Fill(_kept, T.NegativeInfinity);
    }

    public int Width => _width;
    public int K => _k;
    public bool KeepsSmallest => _smallest;
    public long RowsSeen => _rowsSeen;

    /// <summary>Adds <paramref name="rowCount"/> rows stored row-major in <paramref name="rows"/>.</summary>
    public void Add(ReadOnlySpan<T> rows, int rowCount)
    {
        if (rowCount < 0) throw new ArgumentOutOfRangeException(nameof(rowCount), rowCount, "The row count cannot be negative.");
        if (rows.Length != (long)rowCount * _width)
            throw new ArgumentException($"Expected {rowCount} rows of width {_width} ({(long)rowCount * _width} values), got {rows.Length}.", nameof(rows));
        Insert(rows, rowCount, negate: _smallest);
        _rowsSeen += rowCount;
    }

    /// <summary>Adds everything another accumulator of the same width, k and direction has seen.</summary>
    public void Merge(TopKAccumulator<T> other)
    {
        if (other._width != _width || other._k != _k || other._smallest != _smallest)
            throw new ArgumentException("Only accumulators of the same width, k and direction can be merged.", nameof(other));
        var slots = (int)Math.Min(_k, other._rowsSeen);
        Insert(other._kept.AsSpan(0, slots * _width), slots, negate: false);
        _rowsSeen += other._rowsSeen;
    }

    /// <summary>
    /// Writes, for each coordinate, an upper bound of the sum of its k largest values (or a lower bound of the sum
    /// of its k smallest), summing min(k, rows seen) values in sorted order with directed rounding.
    /// </summary>
    public void Sum(Span<T> result) => SumOfBest(_k, result);

    /// <summary>
    /// Like <see cref="Sum"/> for the best <paramref name="count"/> (≤ k) kept values of each coordinate: an upper
    /// bound of the sum of the <paramref name="count"/> largest values (a lower bound for the smallest). Used where
    /// every budget up to k must be considered (removal).
    /// </summary>
    public void SumOfBest(int count, Span<T> result)
    {
        if (count < 0 || count > _k) throw new ArgumentOutOfRangeException(nameof(count), count, $"The count must lie in [0, {_k}].");
        if (result.Length != _width) throw new ArgumentException($"Expected {_width} values, got {result.Length}.", nameof(result));
        var slots = (int)Math.Min(count, _rowsSeen);
        var first = 0;
        if (KernelPaths.Resolve(_path) == KernelPath.Vector512)
        {
            // Lane for lane the scalar loop below (the vector AddUp is bit-identical to Rounding.AddUp).
            ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
            for (; first <= _width - Vector512<T>.Count; first += Vector512<T>.Count)
            {
                var total = Vector512<T>.Zero;
                for (var slot = 0; slot < slots; slot++)
                    total = VectorDirectedRounding.AddUp(total, Vector512.LoadUnsafe(ref kept, (nuint)(slot * _width + first)));
                (_smallest ? -total : total).CopyTo(result.Slice(first));
            }
        }
        for (var c = first; c < _width; c++)
        {
            var total = T.Zero;
            // Stored values are negated for the smallest: Σ(−v) rounded up is −(Σ v rounded down).
            for (var slot = 0; slot < slots; slot++) total = Rounding.AddUp(total, _kept[slot * _width + c]);
            result[c] = _smallest ? -total : total;
        }
    }

    /// <summary>Forgets every row seen, keeping the width, k and direction (for reuse across batches).</summary>
    public void Reset()
    {
        Array.Fill(_kept, T.NegativeInfinity);
        _rowsSeen = 0;
    }

    /// <summary>The kept values of one coordinate, best first (for tests and diagnostics).</summary>
    public T[] Kept(int coordinate)
    {
        var slots = (int)Math.Min(_k, _rowsSeen);
        var values = new T[slots];
        for (var slot = 0; slot < slots; slot++)
        {
            var stored = _kept[slot * _width + coordinate];
            values[slot] = _smallest ? -stored : stored;
        }
        return values;
    }

    // Hooks for fused streaming kernels (GradientRowAccumulator): insert one vector of candidates at a coordinate
    // (negated by the caller when keeping the smallest), and count the rows so inserted.
    internal bool StoresNegated => _smallest;

    internal void CountRows(int rows) => _rowsSeen += rows;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void InsertAt(int coordinate, Vector512<T> candidate)
    {
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        var offset = (nuint)((_k - 1) * _width + coordinate);
        var current = Vector512.LoadUnsafe(ref kept, offset);
        if (Vector512.GreaterThanOrEqualAll(current, candidate)) return;
        // From the bottom up: new[s] = min(kept[s − 1], max(kept[s], c)); once c ≤ kept[s − 1] in every lane, the
        // slots above are unchanged.
        for (var slot = _k - 1; slot > 0; slot--)
        {
            var aboveOffset = offset - (nuint)_width;
            var above = Vector512.LoadUnsafe(ref kept, aboveOffset);
            Vector512.Min(above, Vector512.Max(current, candidate)).StoreUnsafe(ref kept, offset);
            if (Vector512.GreaterThanOrEqualAll(above, candidate)) return;
            (offset, current) = (aboveOffset, above);
        }
        Vector512.Max(current, candidate).StoreUnsafe(ref kept, offset);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void InsertAt(int coordinate, Vector256<T> candidate)
    {
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        var offset = (nuint)((_k - 1) * _width + coordinate);
        var current = Vector256.LoadUnsafe(ref kept, offset);
        if (Vector256.GreaterThanOrEqualAll(current, candidate)) return;
        // From the bottom up: new[s] = min(kept[s − 1], max(kept[s], c)); once c ≤ kept[s − 1] in every lane, the
        // slots above are unchanged.
        for (var slot = _k - 1; slot > 0; slot--)
        {
            var aboveOffset = offset - (nuint)_width;
            var above = Vector256.LoadUnsafe(ref kept, aboveOffset);
            Vector256.Min(above, Vector256.Max(current, candidate)).StoreUnsafe(ref kept, offset);
            if (Vector256.GreaterThanOrEqualAll(above, candidate)) return;
            (offset, current) = (aboveOffset, above);
        }
        Vector256.Max(current, candidate).StoreUnsafe(ref kept, offset);
    }

    internal void InsertAt(int coordinate, T candidate)
    {
        if (_kept[(_k - 1) * _width + coordinate] >= candidate) return;
        for (var slot = 0; slot < _k; slot++)
        {
            ref var current = ref _kept[slot * _width + coordinate];
            var higher = T.Max(current, candidate);
            candidate = T.Min(current, candidate);
            current = higher;
        }
    }

    private void Insert(ReadOnlySpan<T> rows, int rowCount, bool negate)
    {
        if (_k == 0 || rowCount == 0 || _width == 0) return;
        var vectorEnd = 0;
        switch (KernelPaths.Resolve(_path))
        {
            case KernelPath.Vector512 when _width >= Vector512<T>.Count:
                vectorEnd = InsertVector512(rows, rowCount, negate);
                break;
            case KernelPath.Vector256 when _width >= Vector256<T>.Count:
                vectorEnd = InsertVector256(rows, rowCount, negate);
                break;
            case KernelPath.Vector128 when _width >= Vector128<T>.Count:
                vectorEnd = InsertVector128(rows, rowCount, negate);
                break;
        }
        if (vectorEnd < _width) InsertScalar(rows, rowCount, negate, vectorEnd);
    }

    private void InsertScalar(ReadOnlySpan<T> rows, int rowCount, bool negate, int firstCoordinate)
    {
        var lastSlot = (_k - 1) * _width;
        for (var row = 0; row < rowCount; row++)
        {
            var rowOffset = row * _width;
            for (var c = firstCoordinate; c < _width; c++)
            {
                var candidate = negate ? -rows[rowOffset + c] : rows[rowOffset + c];
                if (_kept[lastSlot + c] >= candidate) continue;
                for (var slot = 0; slot < _k; slot++)
                {
                    ref var current = ref _kept[slot * _width + c];
                    var higher = T.Max(current, candidate);
                    candidate = T.Min(current, candidate);
                    current = higher;
                }
            }
        }
    }

    // Vector512<T>.Count coordinates at a time; returns the first coordinate left to the scalar path.
    private int InsertVector512(ReadOnlySpan<T> rows, int rowCount, bool negate)
    {
        var width = Vector512<T>.Count;
        var vectorEnd = _width - _width % width;
        ref var source = ref MemoryMarshal.GetReference(rows);
        for (var row = 0; row < rowCount; row++)
        {
            var rowOffset = (nuint)row * (nuint)_width;
            for (var c = 0; c < vectorEnd; c += width)
            {
                var candidate = Vector512.LoadUnsafe(ref source, rowOffset + (nuint)c);
                if (negate) candidate = -candidate;
                InsertAt(c, candidate);
            }
        }
        return vectorEnd;
    }

    // Vector256<T>.Count coordinates at a time; returns the first coordinate left to the scalar path.
    private int InsertVector256(ReadOnlySpan<T> rows, int rowCount, bool negate)
    {
        var width = Vector256<T>.Count;
        var vectorEnd = _width - _width % width;
        ref var source = ref MemoryMarshal.GetReference(rows);
        for (var row = 0; row < rowCount; row++)
        {
            var rowOffset = (nuint)row * (nuint)_width;
            for (var c = 0; c < vectorEnd; c += width)
            {
                var candidate = Vector256.LoadUnsafe(ref source, rowOffset + (nuint)c);
                if (negate) candidate = -candidate;
                InsertAt(c, candidate);
            }
        }
        return vectorEnd;
    }

    // Vector128<T>.Count coordinates at a time; returns the first coordinate left to the scalar path.
    private int InsertVector128(ReadOnlySpan<T> rows, int rowCount, bool negate)
    {
        var width = Vector128<T>.Count;
        var vectorEnd = _width - _width % width;
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        ref var source = ref MemoryMarshal.GetReference(rows);
        var lastSlot = (nuint)((_k - 1) * _width);
        for (var row = 0; row < rowCount; row++)
        {
            var rowOffset = (nuint)row * (nuint)_width;
            for (var c = 0; c < vectorEnd; c += width)
            {
                var candidate = Vector128.LoadUnsafe(ref source, rowOffset + (nuint)c);
                if (negate) candidate = -candidate;
                if (Vector128.GreaterThanOrEqualAll(Vector128.LoadUnsafe(ref kept, lastSlot + (nuint)c), candidate)) continue;
                for (var slot = 0; slot < _k; slot++)
                {
                    var offset = (nuint)(slot * _width + c);
                    var current = Vector128.LoadUnsafe(ref kept, offset);
                    Vector128.Max(current, candidate).StoreUnsafe(ref kept, offset);
                    candidate = Vector128.Min(current, candidate);
                }
            }
        }
        return vectorEnd;
    }
}
