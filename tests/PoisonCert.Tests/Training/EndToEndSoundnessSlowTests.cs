using PoisonCert.Training;

namespace PoisonCert.Tests.Training;

/// <summary>
/// The extended end-to-end sweep (<c>bash scripts/test.sh --slow</c>): every scenario of
/// <see cref="EndToEndSoundnessTests"/> again with four more seeds — other data, other initial parameters, other
/// shuffles and other attacks — in float32 and float64, about 48,000 more poisoned trajectories, each checked against
/// the certified box after every step with zero slack.
/// </summary>
[Trait("Category", "Slow")]
public class EndToEndSoundnessSlowTests
{
    public static TheoryData<EndToEndSoundnessTests.Case, int> CasesWithSeeds()
    {
        var data = new TheoryData<EndToEndSoundnessTests.Case, int>();
        foreach (var c in EndToEndSoundnessTests.Cases())
            foreach (var seed in new[] { 101, 202, 303, 404 })
                data.Add(c, seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesWithSeeds))]
    public void PoisonedRuns_MoreSeeds_StayInCertifiedBox(EndToEndSoundnessTests.Case c, int seed)
    {
        Assert.Equal(EndToEndSoundnessTests.RandomRuns + EndToEndSoundnessTests.AdversarialRuns, EndToEndSoundnessTests.Run<float>(c, seed));
        Assert.Equal(EndToEndSoundnessTests.RandomRuns / 4 + EndToEndSoundnessTests.AdversarialRuns / 4, EndToEndSoundnessTests.Run<double>(c, seed + 1, 4));
    }
}
