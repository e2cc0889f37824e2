using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PoisonCert.Numerics;

namespace PoisonCert.Kernels;

/// <summary>
/// The exact per-coordinate selection of unpaired feature and label poisoning (features of at most n samples and
/// labels of at most m samples poisoned, the two sets unrelated) for one block of coordinates and one side.
/// <para>
/// Every untrusted sample i offers, per coordinate, three poisoned-minus-clean differences ≥ 0: feature-only dF_i,
/// label-only dL_i and joint dJ_i. The adversary picks disjoint sets A (features only), B (labels only) and C (both)
/// with |A| + |C| ≤ n and |B| + |C| ≤ m, and the worst case is
/// <code>
///   S(n, m) = max over (A, B, C) of Σ_A dF + Σ_B dL + Σ_C dJ.
/// </code>
/// It is computed exactly, by a dynamic programme over the samples in stream order: the table V[a, b]
/// (0 ≤ a ≤ n, 0 ≤ b ≤ m; V[0, 0] = 0) holds the best sum over the samples seen so far with at most a feature and
/// b label poisonings, and sample i updates it as
/// <code>
///   V'[a, b] = max(V[a, b], V[a − 1, b] + dF_i, V[a, b − 1] + dL_i, V[a − 1, b − 1] + dJ_i)
/// </code>
/// (options whose index is negative dropped; the four options are: i clean, in A, in B, in C). After the last
/// sample V[n, m] = S(n, m): by induction every admissible choice over the samples seen is a path through the
/// table, and every path is one (AggregationLemmas.ExactUnpairedAggregation_*). In exact arithmetic it is never
/// larger than the joint rule's top_(n+m)(dJ) (dJ ≥ dF, dL) nor than the split rule min(top_(n+m)(dJ),
/// top_n(dF) + top_m(dL) + top_min(n,m)((dJ − dF − dL)⁺)) (the rounded values may differ in the last bits, so the
/// aggregator still takes the smaller of the selection and the joint rule); on two samples with (dF, dL, dJ) =
/// (1, 1, 2) and (0, 0, 2) and n = m = 1 it is 2 where both rules give 4.
/// </para>
/// <para>
/// Rounding: the differences d = fl(x) of exact differences x ≥ 0 and the table's additions are rounded to nearest.
/// The exact worst case S_x over the exact differences is a sum of at most K = n + m of them, along the path of its
/// choice; the table's value for that path is the float sum of its rounded differences in sample order, and the
/// table holds at least that (a float addition is monotone in each operand, the maximum is exact). A float sum of
/// K' ≤ K non-negative terms is at least (1 − u)^(K'−1) times their exact sum, and x ≤ d/(1 − u), so
/// S_x ≤ V[n, m]/(1 − u)^K; <see cref="Factor"/> is 1/(1 − u)^K rounded upward. Subtractions and additions whose
/// result is subnormal are exact, so no underflow term is needed; overflow gives +∞ (still a bound).
/// </para>
/// <para>
/// Cost: (n + 1)(m + 1) − 1 table entries per coordinate, each updated with three additions and three maxima per
/// sample; the table is stored entry-major (entry·width + coordinate), so a vector of coordinates reads contiguous
/// memory. The Vector512 path computes exactly what the scalar path computes (no NaN can occur: the inputs are
/// finite and every addition has non-negative operands).
/// </para>
/// </summary>
internal sealed class UnpairedSelection<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly int _width, _features, _labels;
    private readonly T[] _table;

    public UnpairedSelection(int width, int features, int labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        ArgumentOutOfRangeException.ThrowIfNegative(labels);
        (_width, _features, _labels) = (width, features, labels);
        _table = new T[checked(Entries * width)];
    }

    public int Width => _width;
    public int Features => _features;
    public int Labels => _labels;

    /// <summary>Table entries per coordinate: every (a, b) but (0, 0).</summary>
    public int Entries => (_features + 1) * (_labels + 1) - 1;

    /// <summary>1/(1 − u)^(n + m) rounded upward: the factor by which <see cref="Best"/> is scaled to bound the exact worst case.</summary>
    public T Factor
    {
        get
        {
            var oneMinusU = T.One - ErrorBounds.UnitRoundoff<T>(); // exact
            var power = T.One;
            for (var k = 0; k < _features + _labels; k++) power = Rounding.MulDown(power, oneMinusU);
            return Rounding.DivUp(T.One, power);
        }
    }

    /// <summary>Forgets every sample seen.</summary>
    public void Reset() => Array.Clear(_table);

    /// <summary>V[n, m] of every coordinate: the computed worst-case sum of differences (before <see cref="Factor"/>).</summary>
    public ReadOnlySpan<T> Best => Entries == 0 ? ReadOnlySpan<T>.Empty : _table.AsSpan((Entries - 1) * _width, _width);

    // Entry (a, b) ≠ (0, 0) of coordinate 0.
    private int Entry(int a, int b) => (a * (_labels + 1) + b - 1) * _width;

    /// <summary>Feeds one sample's differences of the coordinates <paramref name="coordinate"/> .. + vector count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void InsertAt(int coordinate, Vector512<T> features, Vector512<T> labels, Vector512<T> joint)
    {
        ref var table = ref MemoryMarshal.GetArrayDataReference(_table);
        // Decreasing a, then decreasing b: every entry read on the right is still the previous sample's.
        for (var a = _features; a >= 0; a--)
            for (var b = _labels; b >= (a == 0 ? 1 : 0); b--)
            {
                var at = (nuint)(Entry(a, b) + coordinate);
                var best = Vector512.LoadUnsafe(ref table, at);
                if (a > 0) best = Vector512.Max(best, Load(ref table, a - 1, b, coordinate) + features);
                if (b > 0) best = Vector512.Max(best, Load(ref table, a, b - 1, coordinate) + labels);
                if (a > 0 && b > 0) best = Vector512.Max(best, Load(ref table, a - 1, b - 1, coordinate) + joint);
                best.StoreUnsafe(ref table, at);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<T> Load(ref T table, int a, int b, int coordinate) =>
        a == 0 && b == 0 ? Vector512<T>.Zero : Vector512.LoadUnsafe(ref table, (nuint)(Entry(a, b) + coordinate));

    /// <summary>Feeds one sample's differences of coordinate <paramref name="coordinate"/>.</summary>
    public void InsertAt(int coordinate, T features, T labels, T joint)
    {
        for (var a = _features; a >= 0; a--)
            for (var b = _labels; b >= (a == 0 ? 1 : 0); b--)
            {
                var at = Entry(a, b) + coordinate;
                var best = _table[at];
                if (a > 0) best = T.Max(best, Value(a - 1, b, coordinate) + features);
                if (b > 0) best = T.Max(best, Value(a, b - 1, coordinate) + labels);
                if (a > 0 && b > 0) best = T.Max(best, Value(a - 1, b - 1, coordinate) + joint);
                _table[at] = best;
            }
    }

    private T Value(int a, int b, int coordinate) => a == 0 && b == 0 ? T.Zero : _table[Entry(a, b) + coordinate];
}
