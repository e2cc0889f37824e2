using System.Globalization;
using PoisonCert.Data;

namespace PoisonCert.Runs;

/// <summary>States a run's threat model in words, for reports, certificates and the command's output.</summary>
public static class ThreatDescription
{
    public static string Describe(ResolvedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Describe(run.Threat, run.Training.BatchSize, run.TargetKind, run.Training.Clip);
    }

    public static string Describe(ThreatModel threat, int batchSize, TargetKind kind, ClipSettings? clip = null)
    {
        ArgumentNullException.ThrowIfNull(threat);
        var parts = new List<string>();
        string ofEvery = $"of every {batchSize} training points per batch";
        int features = threat.Features.Count;
        int labels = threat.Labels.Count;
        if (threat.UnboundedCount > 0)
        {
            string clipping = clip is null ? "" : $" (their gradients are clipped: {DescribeClip(clip)})";
            parts.Add($"up to {threat.UnboundedCount} {ofEvery} may be replaced by arbitrary points{clipping}");
        }
        else if (threat.RemovalCount > 0)
        {
            parts.Add($"up to {threat.RemovalCount} {ofEvery} may be removed");
        }
        else if (threat.Pairing == PairingKind.Paired && features > 0 && labels > 0)
        {
            parts.Add($"up to {Math.Max(features, labels)} {ofEvery} may be poisoned, each with its features moved by at most {Number(threat.Features.Epsilon)} in ℓ∞ norm and {DescribeLabelChange(threat.Labels, kind)} (paired: the same points)");
        }
        else
        {
            if (features > 0)
            {
                parts.Add($"up to {features} {ofEvery} may have their features moved by at most {Number(threat.Features.Epsilon)} in ℓ∞ norm");
            }
            if (labels > 0)
            {
                string where = features > 0 ? "up to " + labels + " (possibly other) points per batch" : $"up to {labels} {ofEvery}";
                parts.Add($"{where} may have {DescribeLabelChange(threat.Labels, kind, plural: true)}");
            }
        }
        if (parts.Count == 0)
        {
            parts.Add("no training point may be poisoned (a clean run: the bounds hold rounding only)");
        }
        if (threat.Trusted > 0)
        {
            parts.Add($"{threat.Trusted} points of each batch are trusted and never poisoned");
        }
        return string.Join("; ", parts) + ".";
    }

    private static string DescribeLabelChange(LabelThreat labels, TargetKind kind, bool plural = false)
    {
        string their = plural ? "their " : "its ";
        if (kind == TargetKind.Regression)
        {
            return $"{their}target moved by at most {Number(labels.Nu)}";
        }
        return labels.Flip == LabelFlipKind.Target
            ? $"{their}label flipped to class {labels.TargetClass}"
            : $"{their}label flipped to any other class";
    }

    private static string DescribeClip(ClipSettings clip) => clip.Type == ClipKind.Clamp
        ? $"each coordinate clamped to ±{Number(clip.Bound)}"
        : $"each per-sample gradient scaled to ℓ2 norm at most {Number(clip.Bound)}";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
