namespace PoisonCert.Workloads;

/// <summary>
/// Generators for the synthetic benchmark workloads. W1 (with its label-flip and unpaired variants W1L, W1B, which
/// share the data) is a 784-128-10 softmax classifier on uniform inputs labelled by a random linear teacher; W2
/// (and W2S) is a 16-64-64-1 regression network on Gaussian inputs with a noisy linear target. Keys and recipes:
/// <code>
///   W1: x_train[10000,784] key 101 U(0,1); x_test[2000,784] key 102 U(0,1); teacher T[784,10] key 103 normal (double);
///       y = argmax_c ((x − 0.5)·T)[c] from the double x; W1[128,784] 111, b1 112 U(±1/√784); W2[10,128] 113, b2 114 U(±1/√128)
///   W2: x_train[20000,16] key 201 normal; x_test[5000,16] key 202 normal; w_true[16] key 203 normal/4;
///       y_train = x·w_true + 0.1·normal(204, 20000); y_test = x·w_true + 0.1·normal(205, 5000);
///       W1[64,16] 211, b1 212 U(±1/4); W2[64,64] 213, b2 214 U(±1/8); W3[1,64] 215, b3 216 U(±1/8)
/// </code>
/// </summary>
public static class BenchmarkWorkloads
{
    public static BenchmarkWorkload Classification()
    {
        const int inputs = 784, hidden = 128, classes = 10;
        var trainDouble = CounterStream.Uniform(101, 10_000 * inputs, 0, 1);
        var testDouble = CounterStream.Uniform(102, 2_000 * inputs, 0, 1);
        var teacher = CounterStream.Normal(103, inputs * classes);
        var parameters = new List<(string, int[], float[])>
        {
            ("layer0.weight", [hidden, inputs], UniformSymmetric(111, hidden * inputs, 1 / Math.Sqrt(inputs))),
            ("layer0.bias", [hidden], UniformSymmetric(112, hidden, 1 / Math.Sqrt(inputs))),
            ("layer2.weight", [classes, hidden], UniformSymmetric(113, classes * hidden, 1 / Math.Sqrt(hidden))),
            ("layer2.bias", [classes], UniformSymmetric(114, classes, 1 / Math.Sqrt(hidden))),
        };
        return new BenchmarkWorkload("W1", inputs, [hidden], classes,
            CounterStream.ToSingle(trainDouble), CounterStream.ToSingle(testDouble),
            TeacherLabels(trainDouble, teacher, inputs, classes), TeacherLabels(testDouble, teacher, inputs, classes),
            null, null, parameters);
    }

    public static BenchmarkWorkload Regression()
    {
        const int inputs = 16, hidden = 64;
        var trainDouble = CounterStream.Normal(201, 20_000 * inputs);
        var testDouble = CounterStream.Normal(202, 5_000 * inputs);
        var truth = CounterStream.Normal(203, inputs);
        for (var i = 0; i < truth.Length; i++) truth[i] /= 4;
        var parameters = new List<(string, int[], float[])>
        {
            ("layer0.weight", [hidden, inputs], UniformSymmetric(211, hidden * inputs, 0.25)),
            ("layer0.bias", [hidden], UniformSymmetric(212, hidden, 0.25)),
            ("layer2.weight", [hidden, hidden], UniformSymmetric(213, hidden * hidden, 0.125)),
            ("layer2.bias", [hidden], UniformSymmetric(214, hidden, 0.125)),
            ("layer4.weight", [1, hidden], UniformSymmetric(215, hidden, 0.125)),
            ("layer4.bias", [1], UniformSymmetric(216, 1, 0.125)),
        };
        return new BenchmarkWorkload("W2", inputs, [hidden, hidden], 1,
            CounterStream.ToSingle(trainDouble), CounterStream.ToSingle(testDouble), null, null,
            NoisyLinearTargets(trainDouble, truth, 204), NoisyLinearTargets(testDouble, truth, 205), parameters);
    }

    private static float[] UniformSymmetric(ulong key, int count, double bound)
        => CounterStream.ToSingle(CounterStream.Uniform(key, count, -bound, bound));

    private static int[] TeacherLabels(double[] features, double[] teacher, int inputs, int classes)
    {
        var rows = features.Length / inputs;
        var labels = new int[rows];
        var scores = new double[classes];
        for (var r = 0; r < rows; r++)
        {
            Array.Clear(scores);
            for (var i = 0; i < inputs; i++)
            {
                var centered = features[r * inputs + i] - 0.5;
                for (var c = 0; c < classes; c++) scores[c] += centered * teacher[i * classes + c];
            }
            var best = 0;
            for (var c = 1; c < classes; c++) if (scores[c] > scores[best]) best = c;
            labels[r] = best;
        }
        return labels;
    }

    private static float[] NoisyLinearTargets(double[] features, double[] truth, ulong noiseKey)
    {
        var rows = features.Length / truth.Length;
        var noise = CounterStream.Normal(noiseKey, rows);
        var targets = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var value = 0.0;
            for (var i = 0; i < truth.Length; i++) value += features[r * truth.Length + i] * truth[i];
            targets[r] = (float)(value + 0.1 * noise[r]);
        }
        return targets;
    }
}
