using PoisonCert.Certification;
using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;
using PoisonCert.Tests.Runs;

namespace PoisonCert.Tests.Certification;

/// <summary>Certificates made from the example runs and their real datasets, with awkward parameter values.</summary>
internal static class CertificateSamples
{
    /// <summary>Values that stress the round trip: signed zeros, subnormals, the extremes, and values needing 9 (float) or 17 (double) digits.</summary>
    public static readonly float[] AwkwardSingles =
        [-0f, 0f, float.Epsilon, -float.Epsilon, float.MaxValue, -float.MaxValue, 0.1f, 1f / 3, 16777217f, 1.17549435E-38f, 3.4028233E+38f, 1e-45f * 7];

    public static readonly double[] AwkwardDoubles =
        [-0.0, 0.0, double.Epsilon, double.MaxValue, -double.MaxValue, 0.1, 1.0 / 3, 0.30000000000000004, 2.2250738585072014E-308, 9007199254740993.0, 5e-324 * 3, 1e300];

    public static CertificateFile FromExample(string exampleName, int seed = 1, int width = 5)
    {
        string runPath = Path.Combine(Examples.Folder, exampleName);
        ResolvedRun run = RunFile.Load(runPath).Resolve();
        Dataset dataset = run.Dataset.Load(TestData.Registry());
        DatasetSplit split = DatasetSplitter.Split(dataset, run.Split.TestFraction, run.Split.Seed, run.Split.Stratified);
        FeatureScaling scaling = FeatureScaling.Fit(split.Train, run.Scaling);
        var random = new Random(seed);
        var parameters = new List<ParameterBounds>();
        int inputs = dataset.Columns;
        int layer = 0;
        foreach (int outputs in run.Model.Hidden.Append(Math.Max(dataset.ClassCount, 1)))
        {
            parameters.Add(Tensor($"dense{layer}.weight", [outputs, inputs], run.Precision, random));
            parameters.Add(Tensor($"dense{layer}.bias", [outputs], run.Precision, random));
            inputs = outputs;
            layer++;
        }
        return new CertificateFile
        {
            ToolVersion = "0.1.0",
            Created = new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero),
            Run = CertificateRun.FromFile(runPath, run),
            DataFiles = dataset.SourceFiles,
            Split = split.Description,
            Scaling = scaling,
            Timings = [new PhaseTiming("load", 0.125), new PhaseTiming("train", 1.5), new PhaseTiming("certify", 0.25)],
            Metrics =
            [
                new CertificateMetric("accuracy", 0.95614035087719296, 0.9, "share of test points classified correctly"),
                new CertificateMetric("mean bound width", 0.001, 0.002, "mean upper − lower of the parameters"),
            ],
            StepMeanBoundWidths = [.. Enumerable.Range(1, 14).Select(step => 1e-6 * Math.Pow(1.6, step))],
            Parameters = parameters,
        };
    }

    private static ParameterBounds Tensor(string name, int[] shape, NumericPrecision precision, Random random)
    {
        int count = shape.Aggregate(1, (product, dimension) => product * dimension);
        if (precision == NumericPrecision.Float32)
        {
            var nominal = new float[count];
            for (int index = 0; index < count; index++)
            {
                nominal[index] = index < AwkwardSingles.Length ? AwkwardSingles[index] : (float)(random.NextDouble() - 0.5);
            }
            float[] lower = [.. nominal.Select(value => value == -float.MaxValue || value == float.MaxValue ? value : MathF.BitDecrement(value))];
            float[] upper = [.. nominal.Select(value => value == -float.MaxValue || value == float.MaxValue ? value : MathF.BitIncrement(value))];
            return new ParameterBounds(name, shape, ParameterValues.Of(lower), ParameterValues.Of(nominal), ParameterValues.Of(upper));
        }
        var nominalDoubles = new double[count];
        for (int index = 0; index < count; index++)
        {
            nominalDoubles[index] = index < AwkwardDoubles.Length ? AwkwardDoubles[index] : random.NextDouble() - 0.5;
        }
        double[] lowerDoubles = [.. nominalDoubles.Select(value => Math.Abs(value) == double.MaxValue ? value : Math.BitDecrement(value))];
        double[] upperDoubles = [.. nominalDoubles.Select(value => Math.Abs(value) == double.MaxValue ? value : Math.BitIncrement(value))];
        return new ParameterBounds(name, shape, ParameterValues.Of(lowerDoubles), ParameterValues.Of(nominalDoubles), ParameterValues.Of(upperDoubles));
    }

    public static void AssertBitwiseEqual(CertificateFile expected, CertificateFile actual)
    {
        Assert.Equal(expected.Parameters.Count, actual.Parameters.Count);
        foreach ((ParameterBounds first, ParameterBounds second) in expected.Parameters.Zip(actual.Parameters))
        {
            Assert.Equal(first.Name, second.Name);
            Assert.Equal(first.Shape, second.Shape);
            Assert.True(first.Lower.BitwiseEquals(second.Lower), $"{first.Name} lower");
            Assert.True(first.Nominal.BitwiseEquals(second.Nominal), $"{first.Name} nominal");
            Assert.True(first.Upper.BitwiseEquals(second.Upper), $"{first.Name} upper");
        }
        Assert.Equal(expected.Scaling.Offsets.Select(BitConverter.DoubleToInt64Bits), actual.Scaling.Offsets.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.Scaling.Scales.Select(BitConverter.DoubleToInt64Bits), actual.Scaling.Scales.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.StepMeanBoundWidths.Select(BitConverter.DoubleToInt64Bits), actual.StepMeanBoundWidths.Select(BitConverter.DoubleToInt64Bits));
    }
}
