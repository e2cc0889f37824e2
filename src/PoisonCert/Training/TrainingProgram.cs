using System.Numerics;
using System.Numerics.Tensors;
using PoisonCert.Models;

namespace PoisonCert.Training;

/// <summary>
/// One step of the training program on one (possibly poisoned) batch: forward, backward, the mean of the
/// per-sample gradients (sum divided by the batch's sample count) and the optimizer step. The plain trainer and
/// the certified trainer's nominal track both run exactly this code, so the nominal track equals plain training
/// bit for bit.
/// </summary>
public sealed class TrainingProgram<T> where T : IBinaryFloatingPointIeee754<T>
{
    private readonly TrainingRecipe _recipe;
    private readonly PointNetwork<T> _network;
    private readonly PointOptimizer<T> _optimizer;
    private readonly T[] _gradient;

    public TrainingProgram(NetworkArchitecture architecture, TrainingRecipe recipe)
    {
        _recipe = recipe;
        _network = new PointNetwork<T>(architecture, recipe.BatchSize);
        var start = architecture.Layers[architecture.FirstTrainable].WeightOffset;
        _optimizer = new PointOptimizer<T>(recipe, architecture.ParameterCount, start);
        _gradient = new T[architecture.ParameterCount];
    }

    /// <summary>The mean gradient of the last step.</summary>
    public ReadOnlySpan<T> Gradient => _gradient;

    public void Step(int step, T[] parameters, BatchData<T> batch)
    {
        if (batch.Count == 0) throw new InvalidConfigurationException($"Step {step}: the batch is empty.");
        Array.Clear(_gradient);
        _network.Forward(parameters, batch.Features, batch.Count);
        _network.Backward(parameters, _recipe.Loss, batch.Labels, batch.Targets, _recipe.Clipping, _gradient);
        var count = T.CreateChecked(batch.Count);
        TensorPrimitives.Divide<T>(_gradient, count, _gradient); // element-wise IEEE divisions
        _optimizer.Step(step, parameters, _gradient);
    }
}

/// <summary>Changes a batch in place before the program trains on it (a poisoning attack, for audits and tests).</summary>
public interface IBatchPoisoner<T> where T : IBinaryFloatingPointIeee754<T>
{
    /// <summary>Called before step <paramref name="step"/> with the batch and the current parameters (an adaptive attacker may use them).</summary>
    void Poison(int step, BatchData<T> batch, ReadOnlySpan<T> parameters);
}

/// <summary>Plain (uncertified) training of a recipe, optionally on batches changed by a poisoner.</summary>
public static class PlainTrainer
{
    /// <summary>
    /// Trains from <paramref name="initial"/> (not modified) and returns the final parameters.
    /// <paramref name="afterStep"/> sees the parameters after every step.
    /// </summary>
    public static NetworkParameters<T> Train<T>(TrainingSet<T> data, TrainingRecipe recipe, NetworkParameters<T> initial,
        IBatchPoisoner<T>? poisoner = null, Action<int, T[]>? afterStep = null) where T : IBinaryFloatingPointIeee754<T>
    {
        recipe.Validate(data.Rows);
        var architecture = initial.Architecture;
        CheckShapes(data, architecture, recipe.Loss);
        var program = new TrainingProgram<T>(architecture, recipe);
        var parameters = (T[])initial.Values.Clone();
        var batch = new BatchData<T>(recipe.BatchSize, data.Inputs, data.IsClassification, data.TargetWidth);
        var step = 0;
        for (var epoch = 0; epoch < recipe.Epochs; epoch++)
        {
            var order = BatchSchedule.EpochOrder(data.Rows, recipe.ShuffleSeed, epoch);
            for (var j = 0; j < recipe.BatchesPerEpoch(data.Rows); j++, step++)
            {
                batch.Load(data, order.AsSpan(j * recipe.BatchSize, recipe.BatchSize));
                poisoner?.Poison(step, batch, parameters);
                program.Step(step, parameters, batch);
                afterStep?.Invoke(step, parameters);
            }
        }
        return new NetworkParameters<T>(architecture, parameters);
    }

    /// <summary>The data, the network and the loss must fit together; each mismatch is named.</summary>
    public static void CheckShapes<T>(TrainingSet<T> data, NetworkArchitecture architecture, LossKind loss) where T : IBinaryFloatingPointIeee754<T>
    {
        if (data.Inputs != architecture.Inputs)
            throw new InvalidConfigurationException($"The data '{data.Name}' have {data.Inputs} features; the network takes {architecture.Inputs} inputs.");
        var expected = loss switch
        {
            LossKind.MeanSquaredError when data.IsClassification => throw new InvalidConfigurationException($"loss mse needs regression targets; '{data.Name}' has class labels."),
            LossKind.MeanSquaredError => data.TargetWidth,
            _ when !data.IsClassification => throw new InvalidConfigurationException($"loss {loss} needs class labels; '{data.Name}' has regression targets."),
            LossKind.BinaryCrossEntropy when data.ClassCount != 2 => throw new InvalidConfigurationException($"binary cross-entropy needs 2 classes; '{data.Name}' has {data.ClassCount}."),
            LossKind.BinaryCrossEntropy => 1,
            _ => data.ClassCount,
        };
        if (architecture.Outputs != expected)
            throw new InvalidConfigurationException($"The network has {architecture.Outputs} outputs; loss {loss} on '{data.Name}' needs {expected}.");
    }
}
