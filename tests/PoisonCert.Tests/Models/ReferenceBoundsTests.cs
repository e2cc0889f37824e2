using System.Globalization;
using System.Numerics;
using PoisonCert.Tests.Exact;

namespace PoisonCert.Tests.Models;

/// <summary>
/// The double-double exp behind the σ and softmax references, against 45-digit values of e^x (Python's decimal
/// module at 50 digits, for the exact binary value of each x) and against identities, so that the loss tests'
/// "exact" side does not rest on Math.Exp.
/// </summary>
public class ReferenceBoundsTests
{
    private static readonly Rational Tolerance = new(1, BigInteger.One << 88); // relative; the stated error is 2⁻⁹⁰

    public static TheoryData<double, string> KnownValues => new()
    {
        { 1.0, "2.718281828459045235360287471352662497757247094e+0" },
        { -80.0, "1.804851387845415172312128357350027421171103098e-35" },
        { 80.5, "9.134941978066841756006492845601149208494584189e+34" },
        { -0.001, "9.990004998333749916472594817327737351575787012e-1" },
        { 123.456, "4.132944352778106135833950974610460257166228449e+53" },
        { -599.75, "3.403176538359113904488835473909290822683185050e-261" },
        { 0.34657359027997264, "1.414213562373095032403551444611942253971812706e+0" },
        { 7.0e-5, "1.000070002450057167660964662570143189133250255e+0" },
    };

    [Theory]
    [MemberData(nameof(KnownValues))]
    public void Exp_KnownValues_WithinStatedRelativeError(double x, string expected)
    {
        var reference = Parse(expected);
        var error = (DoubleDouble.Exp(x).ToRational() - reference).Abs();
        Assert.True(error <= reference * Tolerance, $"exp({x:R}): relative error {(error / reference).ToDoubleApproximate()}");
    }

    [Fact]
    public void Exp_ProductsWithNegationAndSums_AreOneAndMultiplicative()
    {
        var random = new Random(5);
        for (var i = 0; i < 300; i++)
        {
            var a = (random.NextDouble() * 2 - 1) * 290;
            var b = (random.NextDouble() * 2 - 1) * 290;
            var product = DoubleDouble.Exp(a).ToRational() * DoubleDouble.Exp(-a).ToRational();
            Assert.True((product - Rational.One).Abs() <= Tolerance, $"exp({a:R})·exp({-a:R}) = {product.ToDoubleApproximate()}");
            var sum = a + b; // rounded: compare e^(a+b) for the double sum with e^a·e^b·e^(exact residual) ≈ e^a·e^b
            if (sum - a != b || sum - b != a) continue;
            var split = DoubleDouble.Exp(a).ToRational() * DoubleDouble.Exp(b).ToRational();
            var joint = DoubleDouble.Exp(sum).ToRational();
            Assert.True((split - joint).Abs() <= joint * Tolerance * new Rational(3, 1), $"exp({a:R} + {b:R})");
        }
    }

    [Fact]
    public void References_SimpleCases_ContainTheExactValueTightly()
    {
        var (lower, upper) = ReferenceBounds.Sigmoid(0);
        Assert.True(lower <= new Rational(1, 2) && new Rational(1, 2) <= upper);
        foreach (var k in new[] { 2, 3, 7, 10 })
        {
            var (l, u) = ReferenceBounds.Softmax(Enumerable.Repeat(-3.25, k).ToArray(), k - 1);
            var exact = new Rational(1, k);
            Assert.True(l <= exact && exact <= u, $"softmax of {k} equal logits");
            Assert.True(u - l <= exact * ReferenceBounds.Margin * new Rational(3, 1), "the enclosure is a few margins wide");
        }
        // Near 1 the complement keeps the enclosure below 1: σ(80) = 1 − 1.8·10⁻³⁵.
        var (_, high) = ReferenceBounds.Sigmoid(80);
        Assert.True(high < Rational.One);
    }

    private static Rational Parse(string scientific)
    {
        var parts = scientific.Split('e');
        var exponent = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var digits = parts[0].Replace(".", "", StringComparison.Ordinal);
        var scale = parts[0].Length - parts[0].IndexOf('.', StringComparison.Ordinal) - 1 - exponent;
        var numerator = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        return scale >= 0 ? new Rational(numerator, BigInteger.Pow(10, scale)) : new Rational(numerator * BigInteger.Pow(10, -scale), 1);
    }
}
