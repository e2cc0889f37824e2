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

    /// <summary>Approximate value, for messages only.</summary>
    public double ToDoubleApproximate() => (double)Numerator / (double)Denominator;

    public override string ToString() => $"{Numerator}/{Denominator} (≈{ToDoubleApproximate():R})";
}
