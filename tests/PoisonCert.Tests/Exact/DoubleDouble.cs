namespace PoisonCert.Tests.Exact;

/// <summary>
/// Double-double numbers (Hi + Lo, about 106 significant bits; Dekker 1971, the QD library's algorithms) with an
/// exp that does NOT call Math.Exp, whose accuracy is the one library property the engine trusts. Used only to
/// build references for σ and softmax.
/// <para>
/// Error of <see cref="Exp"/> for |x| ≤ 600: the reduction r = x − k·ln2 is off by at most |k|·2⁻¹⁰⁶ (ln2 to 107
/// bits, |k| ≤ 866) plus one double-double rounding (≲ 2⁻¹⁰⁴|r|); the Taylor series of e^(r/1024) to degree 12
/// truncates below 2⁻¹³⁰; each double-double product and sum adds ≲ 2⁻¹⁰³ relative, and the ten squarings multiply
/// the accumulated relative error by 2¹⁰. In all the relative error is below 2⁻⁹⁰, and the callers widen every
/// reference by <see cref="ReferenceBounds.Margin"/> = 2⁻⁷⁰ relative: a million times more than that, and still
/// a million times less than the engine's own widening of σ and softmax (≥ 8·2⁻⁵³).
/// </para>
/// </summary>
public readonly record struct DoubleDouble(double Hi, double Lo)
{
    // ln 2 = Hi + Lo to 107 bits (QD's dd_real::_log2).
    private static readonly DoubleDouble Ln2 = new(6.931471805599452862e-01, 2.319046813846299558e-17);

    public static DoubleDouble One => new(1, 0);

    public static implicit operator DoubleDouble(double value) => new(value, 0);

    public Rational ToRational() => Rational.FromDouble(Hi) + Rational.FromDouble(Lo);

    private static (double Sum, double Error) TwoSum(double a, double b)
    {
        var s = a + b;
        var bb = s - a;
        return (s, (a - (s - bb)) + (b - bb));
    }

    private static DoubleDouble QuickTwoSum(double a, double b)
    {
        var s = a + b;
        return new DoubleDouble(s, b - (s - a));
    }

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var (s1, s2) = TwoSum(a.Hi, b.Hi);
        var (t1, t2) = TwoSum(a.Lo, b.Lo);
        var first = QuickTwoSum(s1, s2 + t1);
        return QuickTwoSum(first.Hi, first.Lo + t2);
    }

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + -b;

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        var p = a.Hi * b.Hi;
        var e = Math.FusedMultiplyAdd(a.Hi, b.Hi, -p);
        return QuickTwoSum(p, e + (a.Hi * b.Lo + a.Lo * b.Hi));
    }

    public static DoubleDouble operator /(DoubleDouble a, DoubleDouble b)
    {
        var q1 = a.Hi / b.Hi;
        var r = a - b * q1;
        var q2 = r.Hi / b.Hi;
        r -= b * q2;
        var q3 = r.Hi / b.Hi;
        return QuickTwoSum(q1, q2) + q3;
    }

    /// <summary>e^x for |x| ≤ 600 (relative error below 2⁻⁹⁰; see the type's remarks).</summary>
    public static DoubleDouble Exp(DoubleDouble x)
    {
        if (!(Math.Abs(x.Hi) <= 600)) throw new ArgumentOutOfRangeException(nameof(x), x.Hi, "The reference exp covers |x| ≤ 600.");
        var k = Math.Round(x.Hi / Ln2.Hi);
        var r = x - Ln2 * k;
        r = new DoubleDouble(Math.ScaleB(r.Hi, -10), Math.ScaleB(r.Lo, -10));
        DoubleDouble sum = One, term = One;
        for (var n = 1; n <= 12; n++)
        {
            term = term * r / n;
            sum += term;
        }
        for (var i = 0; i < 10; i++) sum *= sum;
        return new DoubleDouble(Math.ScaleB(sum.Hi, (int)k), Math.ScaleB(sum.Lo, (int)k));
    }
}

/// <summary>
/// Rational intervals that certainly contain σ(z) and softmax(z)ⱼ (for logits that are doubles, so also floats):
/// double-double values widened by <see cref="Margin"/> relative. Both the probability p and its complement 1 − p
/// are computed (each with small relative error) and the two enclosures intersected, so that values near 0 and
/// near 1 are both enclosed tightly and never cross 0 or 1.
/// </summary>
public static class ReferenceBounds
{
    /// <summary>2⁻⁷⁰: the relative widening applied to every double-double reference value.</summary>
    public static readonly Rational Margin = new(1, System.Numerics.BigInteger.One << 70);

    /// <summary>An enclosure of σ(z) = 1/(1 + e^(−z)).</summary>
    public static (Rational Lower, Rational Upper) Sigmoid(double z) => FromOthers(DoubleDouble.Exp(-(DoubleDouble)z));

    /// <summary>An enclosure of softmax(z)ⱼ = 1/(1 + Σ_(i≠j) e^(zᵢ − zⱼ)).</summary>
    public static (Rational Lower, Rational Upper) Softmax(ReadOnlySpan<double> logits, int j)
    {
        var others = new DoubleDouble(0, 0);
        for (var i = 0; i < logits.Length; i++)
            if (i != j) others += DoubleDouble.Exp((DoubleDouble)logits[i] - logits[j]);
        return FromOthers(others);
    }

    // p = 1/(1 + S) and 1 − p = S/(1 + S) for S ≥ 0, each widened by the margin, intersected.
    private static (Rational Lower, Rational Upper) FromOthers(DoubleDouble others)
    {
        var denominator = DoubleDouble.One + others;
        var p = (DoubleDouble.One / denominator).ToRational();
        var complement = (others / denominator).ToRational();
        var lower = Rational.Max(p * (Rational.One - Margin), Rational.One - complement * (Rational.One + Margin));
        var upper = Rational.Min(p * (Rational.One + Margin), Rational.One - complement * (Rational.One - Margin));
        return (Rational.Max(lower, Rational.Zero), Rational.Min(upper, Rational.One));
    }
}
