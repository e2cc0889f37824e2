using System.Numerics;

namespace PoisonCert.Tests.Exact;

/// <summary>
/// Exact rational numbers over BigInteger, the reference against which every sound bound is checked. Every
/// finite float and double is a rational (mantissa · 2^exponent), so point functions built from +, −, ×, ÷ are
/// evaluated here with no rounding at all.
/// </summary>
public readonly struct Rational : IComparable<Rational>, IEquatable<Rational>
{
    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; } // always > 0, gcd(|Numerator|, Denominator) = 1

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("Rational with a zero denominator.");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var divisor = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!divisor.IsOne && !divisor.IsZero) { numerator /= divisor; denominator /= divisor; }
        Numerator = numerator;
        Denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    public static readonly Rational Zero = new(0, 1);
    public static readonly Rational One = new(1, 1);

    public static Rational FromDouble(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{value} is not a finite value.");
        if (value == 0) return Zero;
        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int exponent = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075; // bias 1023 plus 52 fraction bits
        var numerator = new BigInteger(negative ? -mantissa : mantissa);
        return exponent >= 0 ? new Rational(numerator << exponent, 1) : new Rational(numerator, BigInteger.One << -exponent);
    }

    public static Rational FromSingle(float value) => FromDouble(value); // float → double is exact

    public static Rational From<T>(T value) where T : IBinaryFloatingPointIeee754<T>
        => FromDouble(double.CreateTruncating(value)); // exact for float and double

    public int Sign => Numerator.Sign;

    public Rational Abs() => Numerator.Sign < 0 ? -this : this;

    public static Rational operator +(Rational a, Rational b)
        => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b)
        => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    public static Rational operator *(Rational a, Rational b)
        => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator /(Rational a, Rational b)
        => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static Rational Max(Rational a, Rational b) => a >= b ? a : b;

    public static Rational Min(Rational a, Rational b) => a <= b ? a : b;

    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    public static bool operator <(Rational a, Rational b) => a.CompareTo(b) < 0;
    public static bool operator >(Rational a, Rational b) => a.CompareTo(b) > 0;
    public static bool operator <=(Rational a, Rational b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Rational a, Rational b) => a.CompareTo(b) >= 0;
    public static bool operator ==(Rational a, Rational b) => a.Equals(b);
    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Rational other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <summary>
    /// The value of T nearest to this rational (ties to even), computed exactly with integers: the reference for
    /// "round to nearest" in ulp-budget tests. Overflow gives ±∞.
    /// </summary>
    public T ToNearest<T>() where T : IBinaryFloatingPointIeee754<T>
    {
        int precision = typeof(T) == typeof(float) ? 24 : 53;
        int minimumExponent = typeof(T) == typeof(float) ? -149 : -1074; // exponent of the smallest subnormal
        if (Numerator.IsZero) return T.Zero;
        var magnitude = BigInteger.Abs(Numerator);
        // Choose e so that the scaled quotient q = magnitude / (Denominator · 2^e) has `precision` bits, but never
        // below the subnormal exponent.
        long exponent = (long)(magnitude.GetBitLength() - Denominator.GetBitLength()) - precision;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var e = Math.Max(exponent, minimumExponent);
            var (quotient, remainder) = DivideScaled(magnitude, e);
            if (quotient.GetBitLength() > precision && e == exponent) { exponent++; continue; }
            if (quotient.GetBitLength() < precision && e == exponent && e > minimumExponent) { exponent--; continue; }
            // Round half to even on the remainder.
            var scaledDenominator = e >= 0 ? Denominator << (int)e : Denominator;
            var twiceRemainder = remainder * 2;
            var compare = twiceRemainder.CompareTo(e >= 0 ? scaledDenominator : Denominator);
            if (compare > 0 || (compare == 0 && !quotient.IsEven)) quotient += 1;
            var value = Math.ScaleB((double)quotient, (int)Math.Clamp(e, -2000, 2000)); // exact: quotient ≤ 2^precision
            var result = T.CreateTruncating(value);
            return Numerator.Sign < 0 ? -result : result;
        }
        throw new InvalidOperationException("Rounding did not converge.");
    }

    // magnitude / (Denominator · 2^e) as quotient and remainder (remainder relative to the scaled denominator
    // when e ≥ 0, and to Denominator when e < 0, where the numerator is scaled instead).
    private (BigInteger Quotient, BigInteger Remainder) DivideScaled(BigInteger magnitude, long e)
    {
        if (e >= 0)
        {
            var denominator = Denominator << (int)e;
            return (BigInteger.DivRem(magnitude, denominator, out var remainder), remainder);
        }
        var numerator = magnitude << (int)-e;
        return (BigInteger.DivRem(numerator, Denominator, out var remainderNegative), remainderNegative);
    }

    /// <summary>Approximate value, for messages only.</summary>
    public double ToDoubleApproximate() => (double)Numerator / (double)Denominator;

    public override string ToString() => $"{Numerator}/{Denominator} (≈{ToDoubleApproximate():R})";
}
