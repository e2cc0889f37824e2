using System.Numerics;

namespace PoisonCert.Models;

/// <summary>
/// The training program's loss gradients with respect to the network outputs, per sample (the certified
/// bounds in <see cref="IntervalLoss"/> enclose exactly these computations). Transcendentals run in double with
/// the C library's exp, then are rounded to the working precision.
/// </summary>
public static class PointLoss
{
    /// <summary>gradient = ∂loss/∂z for one sample with outputs z and its label or targets.</summary>
    public static void Gradient<T>(LossKind loss, ReadOnlySpan<T> outputs, int label, ReadOnlySpan<T> targets, Span<T> gradient)
        where T : IBinaryFloatingPointIeee754<T>
    {
        switch (loss)
        {
            case LossKind.MeanSquaredError:
                var two = T.CreateTruncating(2);
                for (var j = 0; j < outputs.Length; j++) gradient[j] = (outputs[j] - targets[j]) * two;
                break;
            case LossKind.BinaryCrossEntropy:
                gradient[0] = Sigmoid(outputs[0]) - T.CreateTruncating(label);
                break;
            case LossKind.SoftmaxCrossEntropy:
                Softmax(outputs, gradient);
                gradient[label] -= T.One;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(loss));
        }
    }

    /// <summary>σ(z) = 1/(1 + exp(−z)), in double, rounded to T.</summary>
    public static T Sigmoid<T>(T z) where T : IBinaryFloatingPointIeee754<T>
        => T.CreateTruncating(1.0 / (1.0 + Math.Exp(-double.CreateTruncating(z))));

    /// <summary>softmax(z) with the maximum subtracted, in double (sequential sum), each probability rounded to T.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> logits, Span<T> probabilities) where T : IBinaryFloatingPointIeee754<T>
    {
        var maximum = logits[0];
        for (var j = 1; j < logits.Length; j++) if (logits[j] > maximum) maximum = logits[j];
        var shift = double.CreateTruncating(maximum);
        var total = 0.0;
        Span<double> exponentials = logits.Length <= 256 ? stackalloc double[logits.Length] : new double[logits.Length];
        for (var j = 0; j < logits.Length; j++)
        {
            exponentials[j] = Math.Exp(double.CreateTruncating(logits[j]) - shift);
            total += exponentials[j];
        }
        for (var j = 0; j < logits.Length; j++) probabilities[j] = T.CreateTruncating(exponentials[j] / total);
    }

    /// <summary>The predicted class: argmax of the logits (first on ties); for one logit, 1 iff z &gt; 0.</summary>
    public static int Predict<T>(ReadOnlySpan<T> logits) where T : IBinaryFloatingPointIeee754<T>
    {
        if (logits.Length == 1) return logits[0] > T.Zero ? 1 : 0;
        var best = 0;
        for (var j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
        return best;
    }
}
