using System.Numerics;
using PoisonCert.Certification;
using PoisonCert.Models;
using PoisonCert.Tests.Exact;
using PoisonCert.Tests.Training;
using PoisonCert.Training;

namespace PoisonCert.Tests.Certification;

/// <summary>
/// Test-time certificates are checked against the program: parameter vectors sampled from the box (corners and
/// interior) and, with a trigger radius, inputs sampled from the trigger box, run through the float forward pass.
/// A point certified correct must be predicted correctly by every sample; a regression output must lie in its
/// interval, and the sampled MSE between the best- and worst-case bounds. Zero slack.
/// </summary>
public class TestTimeCertifierTests
{
    [Theory]
    [InlineData(0.0, 3, false)]
    [InlineData(0.05, 3, false)]
    [InlineData(0.0, 1, false)]
    [InlineData(0.1, 1, false)]
    [InlineData(0.0, 3, true)]
    [InlineData(0.05, 3, true)]
    [InlineData(0.1, 1, true)]
    [InlineData(0.0, 3, false, true)]
    [InlineData(0.05, 3, false, true)]
    [InlineData(0.1, 1, false, true)]
    public void Classification_SampledModelsAndTriggers_AgreeWithCertificate(double radius, int classes, bool affine, bool crown = false)
    {
        var random = new Random(5 + classes);
        var outputs = classes == 1 ? 1 : classes;
        var test = Scenarios.Classification<float>(60, 3, classes == 1 ? 2 : classes, random);
        var box = RandomBox<float>(NetworkArchitecture.Perceptron(3, affine || crown ? [5, 4] : [5], outputs), random, 0.02);
        var certificate = TestTimeCertifier.Classification(box, test, radius, new BoundSettings { Affine = affine, Crown = crown });
        var network = new PointNetwork<float>(box.Architecture, 1);
        var checkedCertified = 0;
        for (var sample = 0; sample < 200; sample++)
        {
            var theta = SampleMember(box, random);
            for (var p = 0; p < test.Rows; p++)
            {
                if (!certificate.CertifiedPerPoint[p]) continue;
                var x = test.Row(p).ToArray();
                for (var j = 0; j < x.Length; j++) x[j] = Clamp(x[j] + (float)((random.NextDouble() * 2 - 1) * radius), x[j], radius);
                network.Forward(theta, x, 1);
                Assert.Equal(test.Labels![p], PointLoss.Predict(network.Outputs));
                checkedCertified++;
            }
        }
        Assert.True(certificate.CertifiedCorrect <= certificate.NominalCorrect);
        Assert.True(certificate.StablePredictions >= certificate.CertifiedCorrect);
        Assert.True(checkedCertified > 0 || certificate.CertifiedCorrect == 0);
    }

    [Fact]
    public void Classification_ZeroWidthBox_CertifiesNearlyEveryNominallyCorrectPoint()
    {
        var random = new Random(3);
        var test = Scenarios.Classification<double>(80, 3, 3, random);
        var box = RandomBox<double>(NetworkArchitecture.Perceptron(3, [6], 3), random, 0);
        var certificate = TestTimeCertifier.Classification(box, test);
        Assert.True(certificate.CertifiedCorrect >= certificate.NominalCorrect - 1, $"{certificate.CertifiedCorrect} of {certificate.NominalCorrect}");
    }

    /// <summary>
    /// On a deep network with a narrow box the affine logit differences certify every point the interval ones do
    /// (the better of the two is taken per point) and strictly more in total.
    /// </summary>
    [Fact]
    public void Classification_Affine_CertifiesAtLeastTheIntervalPointsAndMore() => CertifiesAtLeastTheIntervalPointsAndMore(new BoundSettings { Affine = true });

    /// <summary>The same for the CROWN logit-difference objective.</summary>
    [Fact]
    public void Classification_Crown_CertifiesAtLeastTheIntervalPointsAndMore() => CertifiesAtLeastTheIntervalPointsAndMore(new BoundSettings { Crown = true });

    private static void CertifiesAtLeastTheIntervalPointsAndMore(BoundSettings bounds)
    {
        int interval = 0, affine = 0;
        for (var seed = 0; seed < 6; seed++)
        {
            var random = new Random(40 + seed);
            var test = Scenarios.Classification<double>(80, 3, 3, random);
            var box = RandomBox<double>(NetworkArchitecture.Perceptron(3, [8, 8], 3), random, 0.02);
            var plain = TestTimeCertifier.Classification(box, test);
            var refined = TestTimeCertifier.Classification(box, test, 0, bounds);
            for (var p = 0; p < test.Rows; p++)
                Assert.True(!plain.CertifiedPerPoint[p] || refined.CertifiedPerPoint[p], $"seed {seed}, point {p}: certified by intervals only");
            interval += plain.CertifiedCorrect;
            affine += refined.CertifiedCorrect;
        }
        Assert.True(affine > interval, $"affine certified {affine}, interval {interval}");
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.05, false)]
    [InlineData(0.0, true)]
    [InlineData(0.05, true)]
    [InlineData(0.05, false, true)]
    public void Regression_SampledModels_InsideOutputIntervalsAndMseBounds(double radius, bool affine, bool crown = false)
    {
        var random = new Random(9);
        var test = Scenarios.Regression<float>(40, 3, 2, random);
        var box = RandomBox<float>(NetworkArchitecture.Perceptron(3, affine || crown ? [4, 4] : [4], 2), random, 0.05);
        var certificate = TestTimeCertifier.Regression(box, test, radius, new BoundSettings { Affine = affine, Crown = crown });
        var network = new PointNetwork<float>(box.Architecture, 1);
        for (var sample = 0; sample < 200; sample++)
        {
            var theta = SampleMember(box, random);
            var total = Rational.Zero;
            for (var p = 0; p < test.Rows; p++)
            {
                var x = test.Row(p).ToArray();
                for (var j = 0; j < x.Length; j++) x[j] = Clamp(x[j] + (float)((random.NextDouble() * 2 - 1) * radius), x[j], radius);
                network.Forward(theta, x, 1);
                for (var o = 0; o < 2; o++)
                {
                    var z = (double)network.Outputs[o];
                    Assert.InRange(z, certificate.OutputLower[p * 2 + o], certificate.OutputUpper[p * 2 + o]);
                    var residual = Rational.FromDouble(z) - Rational.FromSingle(test.Targets![p * 2 + o]);
                    total += residual * residual;
                }
            }
            var mse = total / new Rational(test.Rows * 2, 1); // exact
            Assert.True(Rational.FromDouble(certificate.BestCaseMse) <= mse && mse <= Rational.FromDouble(certificate.WorstCaseMse),
                $"sampled MSE {mse.ToDoubleApproximate()} outside [{certificate.BestCaseMse}, {certificate.WorstCaseMse}]");
        }
    }

    [Fact]
    public void LargestCertifiedBudget_StopsAtFirstUncertifiedBudget()
    {
        var sweep = new List<(int, bool[])> { (5, [true, false, true]), (0, [true, true, true]), (10, [false, false, true]) };
        Assert.Equal([5, 0, 10], TestTimeCertifier.LargestCertifiedBudget(sweep));
    }

    private static float Clamp(float value, float center, double radius)
    {
        while (Math.Abs((double)value - center) > radius) value = value > center ? float.BitDecrement(value) : float.BitIncrement(value);
        return value;
    }

    internal static ParameterBox<T> RandomBox<T>(NetworkArchitecture architecture, Random random, double radius) where T : IBinaryFloatingPointIeee754<T>
    {
        var nominal = NetworkParameters<T>.Initialize(architecture, (ulong)random.Next()).Values;
        var lower = new T[nominal.Length];
        var upper = new T[nominal.Length];
        for (var e = 0; e < nominal.Length; e++)
        {
            lower[e] = nominal[e] - T.CreateTruncating(random.NextDouble() * radius);
            upper[e] = nominal[e] + T.CreateTruncating(random.NextDouble() * radius);
        }
        return new ParameterBox<T>(architecture, lower, nominal, upper);
    }

    internal static T[] SampleMember<T>(ParameterBox<T> box, Random random) where T : IBinaryFloatingPointIeee754<T>
    {
        var theta = new T[box.Lower.Length];
        for (var e = 0; e < theta.Length; e++)
            theta[e] = random.Next(3) switch
            {
                0 => box.Lower[e],
                1 => box.Upper[e],
                _ => T.Clamp(box.Lower[e] + T.CreateTruncating(random.NextDouble()) * (box.Upper[e] - box.Lower[e]), box.Lower[e], box.Upper[e]),
            };
        return theta;
    }
}
