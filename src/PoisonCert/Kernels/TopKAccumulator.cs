using System.Numerics;
using System.Runtime.CompilerServices;
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
/// (a multiset in a canonical order), and the sum runs over that sorted order with directed rounding. −0 and +0
/// are kept as +0, so which of two equal zeros is kept cannot depend on the order either.
/// </para>
/// <para>
/// Soundness: the sum of the kept values rounded upward (downward) is ≥ (≤) the exact sum of the k largest
/// (smallest) values of the stream; with fewer than k rows only the rows seen are summed. Values must not be NaN.
/// </para>
/// <para>
/// Cost: <see cref="Add"/> and <see cref="Merge"/> take the rows 16 at a time; per vector of coordinates the 16
/// candidates are sorted by a 60-comparator network and merged into the kept slots by a bitonic merge, without
/// branches: 200 vector Max/Min per 16 rows for 2 ≤ k ≤ 16 (one per row for k = 1), 120 + 96 per 16 slots for
/// larger k. For k = 10 on 512 rows × 8,192 float coordinates this is 1.5–1.8× a plain copy of the input
/// (docs/performance.md). The coordinates past the last vector, and the scalar path, insert one value at a time,
/// skipping a value that does not beat the k-th best with one compare. The fused kernels' hooks insert one vector of
/// candidates by compare-exchange from the bottom slot up to the top one (once no lane's value beats a slot, the
/// slots above are unchanged; walking on costs less than a mispredicted exit), after one compare against the k-th
/// best that skips a vector no lane of which beats it (values equal to the k-th best leave the kept multiset
/// unchanged — frequent for the zero differences of inactive units).
/// </para>
/// </summary>
public sealed class TopKAccumulator<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly int _width, _k;
    private readonly bool _smallest;
    private readonly KernelPath _path;
    // Slot-major: _kept[slot * width + coordinate], slot 0 the best. Stored negated when keeping the smallest, so
    // both directions keep the LARGEST stored values. Empty slots hold −∞. Invariant: for every coordinate the
    // slots hold, in descending order, the largest min(k, rows seen) stored values seen (the rest −∞), and no slot
    // holds −0: every value is stored as x + 0 (or 0 − x), which maps −0 to +0 and nothing else changes. Without
    // −0 (and NaN) the native Max/Min instructions are exact and commutative, and the IEEE comparisons agree with
    // them, so the kept multiset and its order do not depend on the order of insertion, bit for bit.
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
            values[slot] = _smallest ? T.Zero - stored : stored; // a kept zero is +0 either way
        }
        return values;
    }

    /// <summary>
    /// Per coordinate, the k-th best STORED value τ (−∞ while fewer than k rows were seen) and, when τ &gt; 0, how many
    /// kept slots hold exactly τ (else 0): the stream's top k in the order (value descending, row ascending) are the
    /// rows above τ and the first that many rows equal to τ. (The stored values are the inserted ones: negated by
    /// the caller when keeping the smallest.)
    /// </summary>
    internal void Thresholds(Span<T> threshold, Span<int> ties)
    {
        for (var c = 0; c < _width; c++)
        {
            var tau = _k == 0 ? T.PositiveInfinity : _kept[(_k - 1) * _width + c];
            var equal = 0;
            if (tau > T.Zero)
                for (var slot = 0; slot < _k; slot++)
                    if (_kept[slot * _width + c] == tau) equal++;
            (threshold[c], ties[c]) = (tau, equal);
        }
    }

    // Hooks for fused streaming kernels (GradientRowAccumulator): insert one vector of candidates at a coordinate
    // (negated by the caller when keeping the smallest), and count the rows so inserted.
    internal bool StoresNegated => _smallest;

    internal void CountRows(int rows) => _rowsSeen += rows;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void InsertAt(int coordinate, Vector512<T> candidate)
    {
        candidate += Vector512<T>.Zero; // −0 → +0 (the stored-value invariant)
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        var offset = (nuint)((_k - 1) * _width + coordinate);
        var current = Vector512.LoadUnsafe(ref kept, offset);
        if (Vector512.GreaterThanOrEqualAll(current, candidate)) return;
        // From the bottom up: new[s] = min(kept[s − 1], max(kept[s], c)); once c ≤ kept[s − 1] in every lane the slots
        // above are unchanged, so the walk goes on to slot 0 without a test per slot (W1: 0.71–0.73 s → 0.62–0.67 s
        // against exiting at the first such slot, whose branch the processor mispredicts).
        for (var slot = _k - 1; slot > 0; slot--)
        {
            var aboveOffset = offset - (nuint)_width;
            var above = Vector512.LoadUnsafe(ref kept, aboveOffset);
            Vector512.MinNative(above, Vector512.MaxNative(current, candidate)).StoreUnsafe(ref kept, offset);
            (offset, current) = (aboveOffset, above);
        }
        Vector512.MaxNative(current, candidate).StoreUnsafe(ref kept, offset);
    }

    /// <summary>
    /// Inserts two candidate vectors at once (the same kept multiset, hence the same slots, as inserting them one
    /// after the other): with hi = max(c₁, c₂) and lo = min(c₁, c₂), the merge of the sorted slots A with the sorted
    /// pair is new[s] = max(A[s], min(A[s − 1], hi), min(A[s − 2], lo)) (A[−1] = A[−2] = +∞), from the bottom slot up,
    /// each slot read before it is written; skipped when no lane of hi beats the k-th best.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void InsertPairAt(int coordinate, Vector512<T> first, Vector512<T> second)
    {
        first += Vector512<T>.Zero; // −0 → +0 (the stored-value invariant)
        second += Vector512<T>.Zero;
        var (hi, lo) = (Vector512.MaxNative(first, second), Vector512.MinNative(first, second));
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        var width = (nuint)_width;
        var offset = (nuint)((_k - 1) * _width + coordinate);
        var current = Vector512.LoadUnsafe(ref kept, offset);
        if (Vector512.GreaterThanOrEqualAll(current, hi)) return;
        if (_k == 1)
        {
            Vector512.MaxNative(current, hi).StoreUnsafe(ref kept, offset);
            return;
        }
        var above = Vector512.LoadUnsafe(ref kept, offset - width);
        for (var slot = _k - 1; slot > 1; slot--)
        {
            var twoAbove = Vector512.LoadUnsafe(ref kept, offset - 2 * width);
            Vector512.MaxNative(Vector512.MaxNative(current, Vector512.MinNative(above, hi)), Vector512.MinNative(twoAbove, lo)).StoreUnsafe(ref kept, offset);
            (offset, current, above) = (offset - width, above, twoAbove);
        }
        // Slot 1: A[−1] = +∞, so its third term is lo; slot 0: max(A[0], hi).
        Vector512.MaxNative(Vector512.MaxNative(current, Vector512.MinNative(above, hi)), lo).StoreUnsafe(ref kept, offset);
        Vector512.MaxNative(above, hi).StoreUnsafe(ref kept, offset - width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void InsertAt(int coordinate, Vector256<T> candidate)
    {
        candidate += Vector256<T>.Zero; // −0 → +0 (the stored-value invariant)
        ref var kept = ref MemoryMarshal.GetArrayDataReference(_kept);
        var offset = (nuint)((_k - 1) * _width + coordinate);
        var current = Vector256.LoadUnsafe(ref kept, offset);
        if (Vector256.GreaterThanOrEqualAll(current, candidate)) return;
        // As the Vector512 hook: on to slot 0 without a test per slot (the slots above are unchanged).
        for (var slot = _k - 1; slot > 0; slot--)
        {
            var aboveOffset = offset - (nuint)_width;
            var above = Vector256.LoadUnsafe(ref kept, aboveOffset);
            Vector256.MinNative(above, Vector256.MaxNative(current, candidate)).StoreUnsafe(ref kept, offset);
            (offset, current) = (aboveOffset, above);
        }
        Vector256.MaxNative(current, candidate).StoreUnsafe(ref kept, offset);
    }

    internal void InsertAt(int coordinate, T candidate)
    {
        candidate += T.Zero; // −0 → +0 (the stored-value invariant)
        if (_kept[(_k - 1) * _width + coordinate] >= candidate) return;
        for (var slot = 0; slot < _k; slot++)
        {
            ref var current = ref _kept[slot * _width + coordinate];
            var higher = T.Max(current, candidate);
            candidate = T.Min(current, candidate);
            current = higher;
        }
    }

    // Add and Merge: the blocked insertion on the vector paths, then one value at a time for the coordinates past the
    // last vector (all of them on the scalar path). The blocked insertion takes the rows BlockRows at a time; for
    // each vector of coordinates (lanes = coordinates) the block's candidates are sorted with a fixed network and
    // merged into the kept slots. Both keep the exact sorted top k of the stored values with exact operations, so
    // every path and every split of the stream give the same slots, bit for bit. The networks are written for 16
    // rows.
    private const int BlockRows = 16;

    // Values ahead of the current coordinates whose cache lines are prefetched in each of a block's 16 rows: the rows
    // are 16 streams a row's length apart, which the hardware prefetchers follow only in part (measured: TopK about
    // 2.3–2.9 ms without, 1.9–2.3 ms with 512 values ahead, in alternating runs). A hint only: the results are unchanged.
    private const int PrefetchDistance = 512;

    private void Insert(ReadOnlySpan<T> rows, int rowCount, bool negate)
    {
        if (_k == 0 || rowCount == 0 || _width == 0) return;
        var first = KernelPaths.Resolve(_path) switch
        {
            KernelPath.Vector512 => Blocks<Lanes512, Vector512<T>>.Insert(this, rows, rowCount, negate, 0),
            KernelPath.Vector256 => Blocks<Lanes256, Vector256<T>>.Insert(this, rows, rowCount, negate, 0),
            KernelPath.Vector128 => Blocks<Lanes128, Vector128<T>>.Insert(this, rows, rowCount, negate, 0),
            _ => 0,
        };
        if (first < _width) InsertScalar(rows, rowCount, negate, first);
    }

    // One value at a time (the coordinates past the vectors, and the scalar path): a value that does not beat the
    // k-th best is skipped with one compare, otherwise it goes down the slots by compare-exchange. Per coordinate this
    // skips most values once the slots are full, which the blocked insertion cannot do lane by lane.
    private void InsertScalar(ReadOnlySpan<T> rows, int rowCount, bool negate, int firstCoordinate)
    {
        var lastSlot = (_k - 1) * _width;
        for (var row = 0; row < rowCount; row++)
        {
            var rowOffset = row * _width;
            for (var c = firstCoordinate; c < _width; c++)
            {
                // The stored form: 0 − x and x + 0 are exact and give +0 for either zero.
                var candidate = negate ? T.Zero - rows[rowOffset + c] : rows[rowOffset + c] + T.Zero;
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

    private static class Blocks<TL, TV> where TL : struct, ILanes<TV>
    {
        // Inserts coordinates [first, end), end the last multiple of TL.Count lanes past first; returns end.
        public static int Insert(TopKAccumulator<T> top, ReadOnlySpan<T> rows, int rowCount, bool negate, int first)
        {
            var end = first + (top._width - first) / TL.Count * TL.Count;
            if (end == first) return first;
            ref var source = ref MemoryMarshal.GetReference(rows);
            ref var kept = ref MemoryMarshal.GetArrayDataReference(top._kept);
            var width = (nuint)top._width;
            var k = top._k;
            var sign = TL.Sign(negate);
            var padded = new Sixteen();
            var pad = TL.Stored(TL.NegativeInfinity, sign);
            for (var row = 0; row < rowCount; row += BlockRows)
            {
                var blockRows = Math.Min(BlockRows, rowCount - row);
                ref var block = ref Unsafe.Add(ref source, (nuint)row * width);
                for (var c = (nuint)first; c < (nuint)end; c += (nuint)TL.Count)
                {
                    ref var rowsAtC = ref Unsafe.Add(ref block, c);
                    if (blockRows == BlockRows)
                    {
                        if (System.Runtime.Intrinsics.X86.Sse.IsSupported && c + (nuint)PrefetchDistance < width)
                            unsafe
                            {
                                var ahead = (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref rowsAtC, (nuint)PrefetchDistance));
                                var rowBytes = width * (nuint)Unsafe.SizeOf<T>();
                                for (var r = 0; r < BlockRows; r++) System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead + (nuint)r * rowBytes);
                            }
                        InsertBlock(ref rowsAtC, width, ref Unsafe.Add(ref kept, c), width, k, sign);
                        continue;
                    }
                    // A short block (the stream's last) is copied into a block of 16 padded with rows whose stored
                    // form is −∞ (which changes no top-k: the empty slots hold −∞).
                    for (var r = 0; r < BlockRows; r++)
                        padded[r] = r < blockRows ? TL.Load(ref rowsAtC, (nuint)r * width) : pad;
                    InsertBlock(ref Unsafe.As<TV, T>(ref padded[0]), (nuint)TL.Count, ref Unsafe.Add(ref kept, c), width, k, sign);
                }
            }
            return end;
        }

        // One block of 16 rows at one group of coordinates: row r's values at block[r · stride], slot s at
        // kept[s · width].
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InsertBlock(ref T block, nuint stride, ref T kept, nuint width, int k, TV sign)
        {
            if (k == 1) InsertMaximum(ref block, stride, ref kept, sign);
            else if (k <= 16) InsertSorted(ref block, stride, ref kept, width, k, sign);
            else InsertChunks(ref block, stride, ref kept, width, k, sign);
        }

        // k = 1: the slot keeps the maximum.
        private static void InsertMaximum(ref T block, nuint stride, ref T kept, TV sign)
        {
            Load(ref block, stride, sign, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6, out var v7,
                out var v8, out var v9, out var v10, out var v11, out var v12, out var v13, out var v14, out var v15);
            var best = TL.Max(
                TL.Max(TL.Max(TL.Max(v0, v1), TL.Max(v2, v3)), TL.Max(TL.Max(v4, v5), TL.Max(v6, v7))),
                TL.Max(TL.Max(TL.Max(v8, v9), TL.Max(v10, v11)), TL.Max(TL.Max(v12, v13), TL.Max(v14, v15))));
            TL.Store(TL.Max(TL.Load(ref kept, 0), best), ref kept, 0);
        }

        // The slots are merged with the sorted block v 16 at a time from the best: with the chunk a (sorted, −∞ past
        // k) and the carry v (the block at first: the 16 best values not yet placed), h[i] = max(a[i], v[15 − i])
        // holds the 16 best of a ∪ v and is bitonic, so a bitonic merge sorts it into the chunk's new content; l[i] =
        // min(a[i], v[15 − i]), the other 16, is the carry into the next chunk. Each of h is ≥ a[15] ≥ every later
        // slot, so chunk by chunk this gives the sorted top k of the kept values and the block.

        // 2 ≤ k ≤ 16: one chunk, no carry, all in registers.
        private static void InsertSorted(ref T block, nuint stride, ref T kept, nuint width, int k, TV sign)
        {
            Load(ref block, stride, sign, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6, out var v7,
                out var v8, out var v9, out var v10, out var v11, out var v12, out var v13, out var v14, out var v15);
            Sort(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
                ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15);
            var h0 = Slot(ref kept, 0, width, k, v15);
            var h1 = Slot(ref kept, 1, width, k, v14);
            var h2 = Slot(ref kept, 2, width, k, v13);
            var h3 = Slot(ref kept, 3, width, k, v12);
            var h4 = Slot(ref kept, 4, width, k, v11);
            var h5 = Slot(ref kept, 5, width, k, v10);
            var h6 = Slot(ref kept, 6, width, k, v9);
            var h7 = Slot(ref kept, 7, width, k, v8);
            var h8 = Slot(ref kept, 8, width, k, v7);
            var h9 = Slot(ref kept, 9, width, k, v6);
            var h10 = Slot(ref kept, 10, width, k, v5);
            var h11 = Slot(ref kept, 11, width, k, v4);
            var h12 = Slot(ref kept, 12, width, k, v3);
            var h13 = Slot(ref kept, 13, width, k, v2);
            var h14 = Slot(ref kept, 14, width, k, v1);
            var h15 = Slot(ref kept, 15, width, k, v0);
            SortBitonic(ref h0, ref h1, ref h2, ref h3, ref h4, ref h5, ref h6, ref h7,
                ref h8, ref h9, ref h10, ref h11, ref h12, ref h13, ref h14, ref h15);
            StoreSlots(ref kept, width, k, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15);
        }

        // k > 16: chunk by chunk, the carry kept in memory between chunks. The carry l is passed on unsorted: the
        // steps are a fixed comparator network, so it suffices that it merges every 0-1 input (a slot holds 1 iff
        // its value is ≥ t, for each threshold t). There the chunk is 1…1 0…0 and the carry read as v[15 − i] is
        // 0…0 1…1 (so at the first chunk, v sorted); h then has its ones at a prefix and a suffix (bitonic, sorted
        // by the merge), and l at their overlap: again a suffix when the chunk was all ones; otherwise every later
        // chunk is all zeros, the next h is one block of ones (bitonic) and the carry after it is all zeros.
        private static void InsertChunks(ref T block, nuint stride, ref T kept, nuint width, int k, TV sign)
        {
            var carry = new Sixteen();
            {
                Load(ref block, stride, sign, out var v0, out var v1, out var v2, out var v3, out var v4, out var v5, out var v6, out var v7,
                    out var v8, out var v9, out var v10, out var v11, out var v12, out var v13, out var v14, out var v15);
                Sort(ref v0, ref v1, ref v2, ref v3, ref v4, ref v5, ref v6, ref v7,
                    ref v8, ref v9, ref v10, ref v11, ref v12, ref v13, ref v14, ref v15);
                carry[0] = v0;
                carry[1] = v1;
                carry[2] = v2;
                carry[3] = v3;
                carry[4] = v4;
                carry[5] = v5;
                carry[6] = v6;
                carry[7] = v7;
                carry[8] = v8;
                carry[9] = v9;
                carry[10] = v10;
                carry[11] = v11;
                carry[12] = v12;
                carry[13] = v13;
                carry[14] = v14;
                carry[15] = v15;
            }
            for (var chunk = 0; chunk < k; chunk += 16)
            {
                ref var slots = ref Unsafe.Add(ref kept, (nuint)chunk * width);
                var count = k - chunk;
                var v0 = carry[0];
                var v1 = carry[1];
                var v2 = carry[2];
                var v3 = carry[3];
                var v4 = carry[4];
                var v5 = carry[5];
                var v6 = carry[6];
                var v7 = carry[7];
                var v8 = carry[8];
                var v9 = carry[9];
                var v10 = carry[10];
                var v11 = carry[11];
                var v12 = carry[12];
                var v13 = carry[13];
                var v14 = carry[14];
                var v15 = carry[15];
                var h0 = Split(ref slots, 0, width, count, ref v15);
                var h1 = Split(ref slots, 1, width, count, ref v14);
                var h2 = Split(ref slots, 2, width, count, ref v13);
                var h3 = Split(ref slots, 3, width, count, ref v12);
                var h4 = Split(ref slots, 4, width, count, ref v11);
                var h5 = Split(ref slots, 5, width, count, ref v10);
                var h6 = Split(ref slots, 6, width, count, ref v9);
                var h7 = Split(ref slots, 7, width, count, ref v8);
                var h8 = Split(ref slots, 8, width, count, ref v7);
                var h9 = Split(ref slots, 9, width, count, ref v6);
                var h10 = Split(ref slots, 10, width, count, ref v5);
                var h11 = Split(ref slots, 11, width, count, ref v4);
                var h12 = Split(ref slots, 12, width, count, ref v3);
                var h13 = Split(ref slots, 13, width, count, ref v2);
                var h14 = Split(ref slots, 14, width, count, ref v1);
                var h15 = Split(ref slots, 15, width, count, ref v0);
                SortBitonic(ref h0, ref h1, ref h2, ref h3, ref h4, ref h5, ref h6, ref h7,
                    ref h8, ref h9, ref h10, ref h11, ref h12, ref h13, ref h14, ref h15);
                StoreSlots(ref slots, width, count, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, h14, h15);
                if (count <= 16) return;
                carry[0] = v0;
                carry[1] = v1;
                carry[2] = v2;
                carry[3] = v3;
                carry[4] = v4;
                carry[5] = v5;
                carry[6] = v6;
                carry[7] = v7;
                carry[8] = v8;
                carry[9] = v9;
                carry[10] = v10;
                carry[11] = v11;
                carry[12] = v12;
                carry[13] = v13;
                carry[14] = v14;
                carry[15] = v15;
            }
        }

        [InlineArray(16)]
        private struct Sixteen
        {
            private TV _first;
        }

        // The 16 rows' values at block[r · stride] in stored form.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Load(ref T block, nuint stride, TV sign, out TV v0, out TV v1, out TV v2, out TV v3,
            out TV v4, out TV v5, out TV v6, out TV v7, out TV v8, out TV v9, out TV v10, out TV v11,
            out TV v12, out TV v13, out TV v14, out TV v15)
        {
            v0 = TL.Stored(TL.Load(ref block, 0 * stride), sign);
            v1 = TL.Stored(TL.Load(ref block, 1 * stride), sign);
            v2 = TL.Stored(TL.Load(ref block, 2 * stride), sign);
            v3 = TL.Stored(TL.Load(ref block, 3 * stride), sign);
            v4 = TL.Stored(TL.Load(ref block, 4 * stride), sign);
            v5 = TL.Stored(TL.Load(ref block, 5 * stride), sign);
            v6 = TL.Stored(TL.Load(ref block, 6 * stride), sign);
            v7 = TL.Stored(TL.Load(ref block, 7 * stride), sign);
            v8 = TL.Stored(TL.Load(ref block, 8 * stride), sign);
            v9 = TL.Stored(TL.Load(ref block, 9 * stride), sign);
            v10 = TL.Stored(TL.Load(ref block, 10 * stride), sign);
            v11 = TL.Stored(TL.Load(ref block, 11 * stride), sign);
            v12 = TL.Stored(TL.Load(ref block, 12 * stride), sign);
            v13 = TL.Stored(TL.Load(ref block, 13 * stride), sign);
            v14 = TL.Stored(TL.Load(ref block, 14 * stride), sign);
            v15 = TL.Stored(TL.Load(ref block, 15 * stride), sign);
        }

        // max(slot's value, candidate), the candidate alone past count.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Slot(ref T slots, int slot, nuint width, int count, TV candidate) =>
            slot < count ? TL.Max(TL.Load(ref slots, (nuint)slot * width), candidate) : candidate;

        // Returns max(a, carry) for the slot's value a (−∞ past count) and leaves min(a, carry) in the carry.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TV Split(ref T slots, int slot, nuint width, int count, ref TV carry)
        {
            var a = slot < count ? TL.Load(ref slots, (nuint)slot * width) : TL.NegativeInfinity;
            var high = TL.Max(a, carry);
            carry = TL.Min(a, carry);
            return high;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        // Stores the first min(count, 16) values.
        private static void StoreSlots(ref T slots, nuint width, int count,
            TV h0, TV h1, TV h2, TV h3, TV h4, TV h5, TV h6, TV h7, TV h8, TV h9, TV h10, TV h11, TV h12, TV h13, TV h14, TV h15)
        {
            TL.Store(h0, ref slots, 0);
            if (count > 1) TL.Store(h1, ref slots, width);
            if (count > 2) TL.Store(h2, ref slots, 2 * width);
            if (count > 3) TL.Store(h3, ref slots, 3 * width);
            if (count > 4) TL.Store(h4, ref slots, 4 * width);
            if (count > 5) TL.Store(h5, ref slots, 5 * width);
            if (count > 6) TL.Store(h6, ref slots, 6 * width);
            if (count > 7) TL.Store(h7, ref slots, 7 * width);
            if (count > 8) TL.Store(h8, ref slots, 8 * width);
            if (count > 9) TL.Store(h9, ref slots, 9 * width);
            if (count > 10) TL.Store(h10, ref slots, 10 * width);
            if (count > 11) TL.Store(h11, ref slots, 11 * width);
            if (count > 12) TL.Store(h12, ref slots, 12 * width);
            if (count > 13) TL.Store(h13, ref slots, 13 * width);
            if (count > 14) TL.Store(h14, ref slots, 14 * width);
            if (count > 15) TL.Store(h15, ref slots, 15 * width);
        }

        // Sorts 16 values descending: Green's 60-comparator network (10 layers, one or two lines each).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Sort(ref TV v0, ref TV v1, ref TV v2, ref TV v3, ref TV v4, ref TV v5, ref TV v6, ref TV v7,
            ref TV v8, ref TV v9, ref TV v10, ref TV v11, ref TV v12, ref TV v13, ref TV v14, ref TV v15)
        {
            X(ref v0, ref v13); X(ref v1, ref v12); X(ref v2, ref v15); X(ref v3, ref v14);
            X(ref v4, ref v8); X(ref v5, ref v6); X(ref v7, ref v11); X(ref v9, ref v10);
            X(ref v0, ref v5); X(ref v1, ref v7); X(ref v2, ref v9); X(ref v3, ref v4);
            X(ref v6, ref v13); X(ref v8, ref v14); X(ref v10, ref v15); X(ref v11, ref v12);
            X(ref v0, ref v1); X(ref v2, ref v3); X(ref v4, ref v5); X(ref v6, ref v8);
            X(ref v7, ref v9); X(ref v10, ref v11); X(ref v12, ref v13); X(ref v14, ref v15);
            X(ref v0, ref v2); X(ref v1, ref v3); X(ref v4, ref v10); X(ref v5, ref v11);
            X(ref v6, ref v7); X(ref v8, ref v9); X(ref v12, ref v14); X(ref v13, ref v15);
            X(ref v1, ref v2); X(ref v3, ref v12); X(ref v4, ref v6); X(ref v5, ref v7);
            X(ref v8, ref v10); X(ref v9, ref v11); X(ref v13, ref v14);
            X(ref v1, ref v4); X(ref v2, ref v6); X(ref v5, ref v8); X(ref v7, ref v10);
            X(ref v9, ref v13); X(ref v11, ref v14);
            X(ref v2, ref v4); X(ref v3, ref v6); X(ref v9, ref v12); X(ref v11, ref v13);
            X(ref v3, ref v5); X(ref v6, ref v8); X(ref v7, ref v9); X(ref v10, ref v12);
            X(ref v3, ref v4); X(ref v5, ref v6); X(ref v7, ref v8); X(ref v9, ref v10);
            X(ref v11, ref v12);
            X(ref v6, ref v7); X(ref v8, ref v9);
        }

        // Sorts a bitonic sequence of 16 (a rotation of one that rises then falls) descending: half-cleaners of
        // stride 8, 4, 2, 1.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void SortBitonic(ref TV v0, ref TV v1, ref TV v2, ref TV v3, ref TV v4, ref TV v5, ref TV v6, ref TV v7,
            ref TV v8, ref TV v9, ref TV v10, ref TV v11, ref TV v12, ref TV v13, ref TV v14, ref TV v15)
        {
            X(ref v0, ref v8); X(ref v1, ref v9); X(ref v2, ref v10); X(ref v3, ref v11);
            X(ref v4, ref v12); X(ref v5, ref v13); X(ref v6, ref v14); X(ref v7, ref v15);
            X(ref v0, ref v4); X(ref v1, ref v5); X(ref v2, ref v6); X(ref v3, ref v7);
            X(ref v8, ref v12); X(ref v9, ref v13); X(ref v10, ref v14); X(ref v11, ref v15);
            X(ref v0, ref v2); X(ref v1, ref v3); X(ref v4, ref v6); X(ref v5, ref v7);
            X(ref v8, ref v10); X(ref v9, ref v11); X(ref v12, ref v14); X(ref v13, ref v15);
            X(ref v0, ref v1); X(ref v2, ref v3); X(ref v4, ref v5); X(ref v6, ref v7);
            X(ref v8, ref v9); X(ref v10, ref v11); X(ref v12, ref v13); X(ref v14, ref v15);
        }

        // Compare-exchange: the larger value to high, the smaller to low.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void X(ref TV high, ref TV low)
        {
            var max = TL.Max(high, low);
            low = TL.Min(high, low);
            high = max;
        }
    }

    // Lane-wise operations of the blocked insertion for each vector width. Max and Min are the native instructions:
    // exact and commutative on stored values, which are never NaN (precondition) and never −0 (Stored maps −0 to +0).
    private interface ILanes<TV>
    {
        static abstract int Count { get; }
        static abstract TV NegativeInfinity { get; }
        static abstract TV Load(ref T source, nuint offset);
        static abstract void Store(TV value, ref T target, nuint offset);
        static abstract TV Max(TV a, TV b);
        static abstract TV Min(TV a, TV b);
        // The sign to apply to a row's value: −0 (negate) or +0 in every lane.
        static abstract TV Sign(bool negate);
        // The stored form of a row's value: its sign flipped by sign's sign bit, then + 0: exact, and +0 for either zero.
        static abstract TV Stored(TV value, TV sign);
    }

    private struct Lanes512 : ILanes<Vector512<T>>
    {
        public static int Count => Vector512<T>.Count;
        public static Vector512<T> NegativeInfinity => Vector512.Create(T.NegativeInfinity);
        public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);
        public static void Store(Vector512<T> value, ref T target, nuint offset) => value.StoreUnsafe(ref target, offset);
        public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.MaxNative(a, b);
        public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.MinNative(a, b);
        public static Vector512<T> Sign(bool negate) => Vector512.Create(negate ? T.NegativeZero : T.Zero);
        public static Vector512<T> Stored(Vector512<T> value, Vector512<T> sign) => (value ^ sign) + Vector512<T>.Zero;
    }

    private struct Lanes256 : ILanes<Vector256<T>>
    {
        public static int Count => Vector256<T>.Count;
        public static Vector256<T> NegativeInfinity => Vector256.Create(T.NegativeInfinity);
        public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);
        public static void Store(Vector256<T> value, ref T target, nuint offset) => value.StoreUnsafe(ref target, offset);
        public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.MaxNative(a, b);
        public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.MinNative(a, b);
        public static Vector256<T> Sign(bool negate) => Vector256.Create(negate ? T.NegativeZero : T.Zero);
        public static Vector256<T> Stored(Vector256<T> value, Vector256<T> sign) => (value ^ sign) + Vector256<T>.Zero;
    }

    private struct Lanes128 : ILanes<Vector128<T>>
    {
        public static int Count => Vector128<T>.Count;
        public static Vector128<T> NegativeInfinity => Vector128.Create(T.NegativeInfinity);
        public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);
        public static void Store(Vector128<T> value, ref T target, nuint offset) => value.StoreUnsafe(ref target, offset);
        public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.MaxNative(a, b);
        public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.MinNative(a, b);
        public static Vector128<T> Sign(bool negate) => Vector128.Create(negate ? T.NegativeZero : T.Zero);
        public static Vector128<T> Stored(Vector128<T> value, Vector128<T> sign) => (value ^ sign) + Vector128<T>.Zero;
    }
}
