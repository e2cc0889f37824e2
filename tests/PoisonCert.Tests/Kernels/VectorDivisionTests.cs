using System.Numerics;
using System.Runtime.Intrinsics;
using PoisonCert.Kernels;
using PoisonCert.Numerics;

namespace PoisonCert.Tests.Kernels;

/// <summary>
/// The vector divisions by a positive float (the aggregation's final division by the batch size) equal the scalar
/// <see cref="Rounding.DivDown{T}"/>/<see cref="Rounding.DivUp{T}"/> bit for bit, lane for lane: random
/// numerators of every magnitude, zeros of both signs, subnormals, infinities, NaN, and quotients that overflow
/// or underflow. (Skipped as vacuous when Vector512 is not accelerated; the scalar functions are tested against
/// exact rationals in the numerics tests.)
/// </summary>
public abstract class VectorDivisionTests<T> where T : IBinaryFloatingPointIeee754<T>
{
    [Fact]
    public void DivideByPositive_ManyNumeratorsAndDivisors_EqualsScalarBitForBit()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        var random = new Random(17);
        var specials = new[]
        {
            T.Zero, -T.Zero, T.Epsilon, -T.Epsilon, T.PositiveInfinity, T.NegativeInfinity, T.NaN, Finite<T>.Max, -Finite<T>.Max,
            T.One, -T.One, T.CreateTruncating(1e-30), T.CreateTruncating(-3e-38),
        };
        var divisors = new[] { T.One, T.CreateTruncating(3), T.CreateTruncating(500), T.CreateTruncating(1000), T.CreateTruncating(1e-3),
            T.Epsilon, T.CreateTruncating(7e30), T.CreateTruncating(0.1) };
        var n = Vector512<T>.Count;
        for (var round = 0; round < 400; round++)
        {
            var numerators = new T[n];
            for (var i = 0; i < n; i++)
                numerators[i] = random.Next(4) == 0
                    ? specials[random.Next(specials.Length)]
                    : T.CreateTruncating((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-160, 130)));
            var divisor = divisors[round % divisors.Length];
            var a = Vector512.Create((ReadOnlySpan<T>)numerators);
            var down = VectorDirectedRounding.DivDownByPositive(a, divisor);
            var up = VectorDirectedRounding.DivUpByPositive(a, divisor);
            for (var i = 0; i < n; i++)
            {
                Same(Rounding.DivDown(numerators[i], divisor), down[i], $"DivDown({numerators[i]}, {divisor})");
                Same(Rounding.DivUp(numerators[i], divisor), up[i], $"DivUp({numerators[i]}, {divisor})");
            }
        }
    }

    private static void Same(T expected, T actual, string label)
        => Assert.True(expected.Equals(actual) && T.IsNegative(expected) == T.IsNegative(actual) || T.IsNaN(expected) && T.IsNaN(actual),
            $"{label}: expected {expected}, got {actual}");
}

public class VectorDivisionSingleTests : VectorDivisionTests<float>;

public class VectorDivisionDoubleTests : VectorDivisionTests<double>;
