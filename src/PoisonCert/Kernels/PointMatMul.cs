using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace PoisonCert.Kernels;

/// <summary>
/// Point matrix product C = A·B (row-major; A is m×k, B is k×n, C is m×n). Not a bound by itself: sound callers
/// (the midpoint-radius product) account for its rounding with an a priori term that holds for ANY summation
/// order — each entry is a dot product whose every term passes through at most k roundings (Higham §3.1).
/// <para>
/// float32 with AVX-512 runs a Goto-style blocked product: B is packed into panels of 32 columns per depth block
/// of <see cref="DepthBlock"/>, and an 8×32 register tile (16 accumulators) is updated with fused multiply-adds.
/// Other types and widths run a row-by-row multiply-add (vectorised over the columns by the JIT's Vector&lt;T&gt;).
/// </para>
/// </summary>
public static class PointMatMul
{
    internal const int DepthBlock = 256;
    private const int TileRows = 8;
    private const int TileColumns = 32;

    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n,
        KernelPath path = KernelPath.Automatic) where T : IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n);
        if (typeof(T) == typeof(float) && KernelPaths.Resolve(path) == KernelPath.Vector512 && Fma512Available)
        {
            MultiplyBlockedSingle(AsSingle(a), AsSingle(b), AsSingleMutable(c), m, k, n);
            return;
        }
        MultiplyRows(a, b, c, m, k, n);
    }

    internal static ReadOnlySpan<float> AsSingle<T>(ReadOnlySpan<T> span)
        => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(span)), span.Length);

    internal static Span<float> AsSingleMutable<T>(Span<T> span)
        => MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(span)), span.Length);

    private static bool Fma512Available => Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported;

    internal static void CheckShapes(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        if (m < 0 || k < 0 || n < 0) throw new ArgumentException($"Matrix dimensions must be non-negative (m={m}, k={k}, n={n}).");
        if (aLength != (long)m * k) throw new ArgumentException($"A has {aLength} values; an {m}×{k} matrix needs {(long)m * k}.");
        if (bLength != (long)k * n) throw new ArgumentException($"B has {bLength} values; a {k}×{n} matrix needs {(long)k * n}.");
        if (cLength != (long)m * n) throw new ArgumentException($"C has {cLength} values; an {m}×{n} matrix needs {(long)m * n}.");
    }

    // C[i, :] = Σ_p A[i, p]·B[p, :], vectorised over columns.
    /// <summary>
    /// C = A·B row by row (a multiply-add of B's rows per entry of A, zero entries skipped): no packing, for products
    /// with few rows where packing B would cost more than the product. Same a priori error as <see cref="Multiply{T}"/>.
    /// </summary>
    internal static void MultiplyRows<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n)
        where T : IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n);
        c.Clear();
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (var p = 0; p < k; p++)
            {
                var scale = a[i * k + p];
                if (T.IsZero(scale)) continue;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), scale, row, row);
            }
        }
    }

    private static void MultiplyBlockedSingle(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n)
    {
        c.Clear();
        if (m == 0 || n == 0 || k == 0) return;
        var panels = (n + TileColumns - 1) / TileColumns;
        using var packedBuffer = new PooledBuffer<float>(DepthBlock * panels * TileColumns);
        var packed = packedBuffer.Array;
        var rowTiles = (m + TileRows - 1) / TileRows;
        // Row tiles are independent and each entry is accumulated in the same order whatever the partition, so the
        // result is bit-identical for any number of workers; large products are split across the cores.
        var workers = (long)m * n * k >= ParallelThreshold ? Math.Min(Environment.ProcessorCount, rowTiles) : 1;
        for (var depthStart = 0; depthStart < k; depthStart += DepthBlock)
        {
            var depth = Math.Min(DepthBlock, k - depthStart);
            PackPanels(b, packed, depthStart, depth, n, panels);
            if (workers == 1)
            {
                RowTiles(a, packed, c, 0, rowTiles, depthStart, depth, m, k, n, panels);
                continue;
            }
            unsafe
            {
                fixed (float* aPointer = a, cPointer = c)
                {
                    var (aAddress, cAddress, aLength, cLength) = ((nint)aPointer, (nint)cPointer, a.Length, c.Length);
                    var start = depthStart;
                    Parallel.For(0, workers, worker =>
                    {
                        var first = (int)((long)rowTiles * worker / workers);
                        var last = (int)((long)rowTiles * (worker + 1) / workers);
                        RowTiles(new ReadOnlySpan<float>((float*)aAddress, aLength), packed, new Span<float>((float*)cAddress, cLength),
                            first, last, start, depth, m, k, n, panels);
                    });
                }
            }
        }
    }

    /// <summary>Products of at least this many multiply-adds run on all cores.</summary>
    private const long ParallelThreshold = 1L << 22;

    private static void RowTiles(ReadOnlySpan<float> a, float[] packed, Span<float> c, int firstTile, int lastTile, int depthStart, int depth,
        int m, int k, int n, int panels)
    {
        Span<float> tile = stackalloc float[TileRows * TileColumns];
        for (var rowTile = firstTile; rowTile < lastTile; rowTile++)
        {
            var rowStart = rowTile * TileRows;
            var rows = Math.Min(TileRows, m - rowStart);
            for (var panel = 0; panel < panels; panel++)
            {
                var columnStart = panel * TileColumns;
                var columns = Math.Min(TileColumns, n - columnStart);
                ref var panelStart = ref packed[panel * depth * TileColumns];
                if (rows == TileRows && columns == TileColumns)
                    Tile8x32(ref MemoryMarshal.GetReference(a), rowStart * k + depthStart, k, ref panelStart, depth,
                        ref MemoryMarshal.GetReference(c), rowStart * n + columnStart, n);
                else
                    EdgeTile(a, rowStart, rows, depthStart, depth, k, ref panelStart, c, columnStart, columns, n, tile);
            }
        }
    }

    // packed[panel][p][0..31] = B[depthStart + p, panel·32 + 0..31], zero beyond column n.
    private static void PackPanels(ReadOnlySpan<float> b, Span<float> packed, int depthStart, int depth, int n, int panels)
    {
        for (var panel = 0; panel < panels; panel++)
        {
            var columnStart = panel * TileColumns;
            var columns = Math.Min(TileColumns, n - columnStart);
            var destination = packed.Slice(panel * depth * TileColumns, depth * TileColumns);
            for (var p = 0; p < depth; p++)
            {
                var target = destination.Slice(p * TileColumns, TileColumns);
                b.Slice((depthStart + p) * n + columnStart, columns).CopyTo(target);
                if (columns < TileColumns) target[columns..].Clear();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x32(ref float a, int aOffset, int lda, ref float panel, int depth, ref float c, int cOffset, int ldc)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        ref var a0 = ref Unsafe.Add(ref a, aOffset);
        for (var p = 0; p < depth; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns));
            var b1 = Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns + 16));
            var x = Vector512.Create(Unsafe.Add(ref a0, p));
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(Unsafe.Add(ref a0, lda + p));
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(Unsafe.Add(ref a0, 2 * lda + p));
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(Unsafe.Add(ref a0, 3 * lda + p));
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(Unsafe.Add(ref a0, 4 * lda + p));
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(Unsafe.Add(ref a0, 5 * lda + p));
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(Unsafe.Add(ref a0, 6 * lda + p));
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(Unsafe.Add(ref a0, 7 * lda + p));
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        AddTo(ref c, cOffset, c00, c01);
        AddTo(ref c, cOffset + ldc, c10, c11);
        AddTo(ref c, cOffset + 2 * ldc, c20, c21);
        AddTo(ref c, cOffset + 3 * ldc, c30, c31);
        AddTo(ref c, cOffset + 4 * ldc, c40, c41);
        AddTo(ref c, cOffset + 5 * ldc, c50, c51);
        AddTo(ref c, cOffset + 6 * ldc, c60, c61);
        AddTo(ref c, cOffset + 7 * ldc, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(ref float c, int offset, Vector512<float> left, Vector512<float> right)
    {
        (Vector512.LoadUnsafe(ref c, (nuint)offset) + left).StoreUnsafe(ref c, (nuint)offset);
        (Vector512.LoadUnsafe(ref c, (nuint)(offset + 16)) + right).StoreUnsafe(ref c, (nuint)(offset + 16));
    }

    // Partial tiles at the bottom and right edges over the packed panel: four rows at a time (eight independent
    // multiply-add chains instead of two, so the loop is not bound by the FMA latency), then one row at a time.
    // Every element is the same chain of multiply-adds over p in the same order either way, so the same bits.
    private static void EdgeTile(ReadOnlySpan<float> a, int rowStart, int rows, int depthStart, int depth, int k,
        ref float panel, Span<float> c, int columnStart, int columns, int n, Span<float> tile)
    {
        var r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            Vector512<float> l0 = default, r0 = default, l1 = default, r1 = default, l2 = default, r2 = default, l3 = default, r3 = default;
            var aRow = (rowStart + r) * k + depthStart;
            for (var p = 0; p < depth; p++)
            {
                var (pl, pr) = (Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns)), Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns + 16)));
                var x0 = Vector512.Create(a[aRow + p]);
                var x1 = Vector512.Create(a[aRow + k + p]);
                var x2 = Vector512.Create(a[aRow + 2 * k + p]);
                var x3 = Vector512.Create(a[aRow + 3 * k + p]);
                (l0, r0) = (Vector512.FusedMultiplyAdd(x0, pl, l0), Vector512.FusedMultiplyAdd(x0, pr, r0));
                (l1, r1) = (Vector512.FusedMultiplyAdd(x1, pl, l1), Vector512.FusedMultiplyAdd(x1, pr, r1));
                (l2, r2) = (Vector512.FusedMultiplyAdd(x2, pl, l2), Vector512.FusedMultiplyAdd(x2, pr, r2));
                (l3, r3) = (Vector512.FusedMultiplyAdd(x3, pl, l3), Vector512.FusedMultiplyAdd(x3, pr, r3));
            }
            AddRow(l0, r0, c, (rowStart + r) * n + columnStart, columns, tile);
            AddRow(l1, r1, c, (rowStart + r + 1) * n + columnStart, columns, tile);
            AddRow(l2, r2, c, (rowStart + r + 2) * n + columnStart, columns, tile);
            AddRow(l3, r3, c, (rowStart + r + 3) * n + columnStart, columns, tile);
        }
        for (; r < rows; r++)
        {
            Vector512<float> left = default, right = default;
            var aRow = (rowStart + r) * k + depthStart;
            for (var p = 0; p < depth; p++)
            {
                var x = Vector512.Create(a[aRow + p]);
                left = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns)), left);
                right = Vector512.FusedMultiplyAdd(x, Vector512.LoadUnsafe(ref panel, (nuint)(p * TileColumns + 16)), right);
            }
            AddRow(left, right, c, (rowStart + r) * n + columnStart, columns, tile);
        }
    }

    // c[offset .. offset + columns) += the first `columns` lanes of (left, right).
    private static void AddRow(Vector512<float> left, Vector512<float> right, Span<float> c, int offset, int columns, Span<float> tile)
    {
        left.CopyTo(tile);
        right.CopyTo(tile[16..]);
        var destination = c.Slice(offset, columns);
        for (var j = 0; j < columns; j++) destination[j] += tile[j];
    }
}
