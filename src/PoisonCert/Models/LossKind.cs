namespace PoisonCert.Models;

/// <summary>
/// The training losses, each per sample (the batch loss is the mean over the batch):
/// <list type="bullet">
/// <item>MeanSquaredError: Σⱼ (zⱼ − yⱼ)², gradient 2(z − y); regression targets may be vectors.</item>
/// <item>BinaryCrossEntropy: with logits, one output z, label y ∈ {0, 1}; gradient σ(z) − y.</item>
/// <item>SoftmaxCrossEntropy: K logits, label y; gradient softmax(z) − onehot(y).</item>
/// </list>
/// </summary>
public enum LossKind
{
    MeanSquaredError,
    BinaryCrossEntropy,
    SoftmaxCrossEntropy,
}
