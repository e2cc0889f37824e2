using PoisonCert.Data;

namespace PoisonCert.Training;

/// <summary>
/// The order of training rows, fixed before training and shared by the plain and the certified trainer. Without a
/// shuffle seed, batch j of every epoch is rows [jB, (j+1)B). With one, epoch e uses a Fisher–Yates permutation
/// drawn from SplitMix64 seeded with (seed, e). Incomplete last batches are dropped (the recipe reports how many).
/// </summary>
public static class BatchSchedule
{
    public static int[] EpochOrder(int rows, ulong? shuffleSeed, int epoch)
    {
        var order = new int[rows];
        for (var i = 0; i < rows; i++) order[i] = i;
        if (shuffleSeed is not { } seed) return order;
        var random = new SplitMix64(unchecked(seed * 0x9E3779B97F4A7C15UL + (ulong)epoch + 1));
        random.Shuffle(order);
        return order;
    }
}
