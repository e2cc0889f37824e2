using PoisonCert.Certification;
using PoisonCert.Data;
using PoisonCert.Runs;
using PoisonCert.Tests.Data;
using PoisonCert.Training;

namespace PoisonCert.Tests.Runs;

/// <summary>
/// The fine-tuning experiment of docs/results.md (experiments/fashion-mnist-*.json) on the cached Fashion-MNIST test
/// file: the pretraining and fine-tuning rows are disjoint parts of one training part, the fine-tuning starts from the
/// pretrained parameters, and its clean run is the certificate's nominal model and lies in its box. Skipped, saying
/// so, when the dataset cache is absent (scripts/fetch-datasets.sh fills it).
/// </summary>
public class FashionMnistFineTuningTests
{
    [RequiresDatasetCacheFact("fashion-mnist-test")]
    public void Experiment_PretrainThenFineTune_UsesDisjointRowsAndStartsFromThePretrainedModel()
    {
        using var scratch = new ScratchFolder();
        string experiments = Path.Combine(Examples.RepositoryRoot, "experiments");
        string pretrainPath = scratch.Write("fashion-mnist-pretrain.json", File.ReadAllText(Path.Combine(experiments, "fashion-mnist-pretrain.json")));
        string finetunePath = scratch.Write("fashion-mnist-finetune.json", File.ReadAllText(Path.Combine(experiments, "fashion-mnist-finetune.json")));
        DatasetRegistry registry = TestData.Registry();
        PreparedRun pretrain = RunPipeline.Prepare(RunFile.Load(pretrainPath), registry);
        var pretrained = new ParametersFile("test", pretrain.Run.Precision, RunPipeline.Train(pretrain));
        pretrained.Write(Path.Combine(scratch.Path, "fashion-mnist-pretrained.params.json")); // the name the fine-tuning run gives

        PreparedRun finetune = RunPipeline.Prepare(RunFile.Load(finetunePath), registry);
        Assert.Empty(pretrain.Split.TrainRowIndices.Intersect(finetune.Split.TrainRowIndices));
        Assert.Equal(pretrain.Split.TestRowIndices, finetune.Split.TestRowIndices);
        Assert.Equal(pretrain.Scaling.Scales, finetune.Scaling.Scales);
        Assert.Equal(pretrain.Run.Model.Hidden, finetune.Run.Model.Hidden);
        Assert.True(finetune.Run.Model.FrozenLayers == finetune.Run.Model.DenseLayerCount - 1, "the experiment fine-tunes the last Dense layer only");
        var (_, _, initial, _) = RunPipeline.Build<float>(finetune);
        float[] expected = [.. pretrained.Parameters.SelectMany(tensor => tensor.Values.Single.ToArray())];
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), initial.Values.Select(BitConverter.SingleToInt32Bits));

        CertificationOutcome outcome = RunPipeline.Certify(finetune, new CertificationOptions());
        IReadOnlyList<ParameterTensor> clean = RunPipeline.Train(finetune);
        foreach (var (bounds, tensor) in outcome.Parameters.Zip(clean))
        {
            Assert.True(bounds.Nominal.BitwiseEquals(tensor.Values), tensor.Name);
            for (int i = 0; i < tensor.Values.Length; i++)
            {
                Assert.True(bounds.Lower[i] <= tensor.Values[i] && tensor.Values[i] <= bounds.Upper[i], $"{tensor.Name}[{i}]");
            }
        }
        Assert.Equal("accuracy", outcome.Metrics[0].Name);
        Assert.InRange(outcome.Metrics[0].Certified, 0, outcome.Metrics[0].Nominal);
    }
}
