using System.Security.Cryptography;
using System.Text;
using PoisonCert.Data;
using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>
/// The content of <c>certificate.json</c> (docs/formats.md, docs/schemas/certificate.schema.json): what was
/// certified (the run as given and as resolved, the data files and their SHA-256, the split and the scaling as
/// applied), under which threat model, with which precision and domain, the resulting metrics, timings, the mean
/// bound width per step, and the certified parameter box. Write it with <see cref="Write"/>, read it with
/// <see cref="Read"/>; both check every invariant, and floats round-trip bit for bit.
/// </summary>
public sealed record CertificateFile
{
    public const string FormatName = "poisoncert-certificate";
    public const int FormatVersion = 1;

    public required string ToolVersion { get; init; }

    /// <summary>When the certificate was made (optional; leave null for byte-identical certificates of identical runs).</summary>
    public DateTimeOffset? Created { get; init; }

    public required CertificateRun Run { get; init; }

    /// <summary>Every data file the run read, with its SHA-256 and length.</summary>
    public required IReadOnlyList<SourceFile> DataFiles { get; init; }

    /// <summary>
    /// The params.json the run started from (model.initialParameters), with the SHA-256 and length of the bytes
    /// read; present exactly when the resolved run names one.
    /// </summary>
    public SourceFile? InitialParameters { get; init; }

    /// <summary>The split as made (its <see cref="SplitDescription.SourceFiles"/> are <see cref="DataFiles"/>).</summary>
    public required SplitDescription Split { get; init; }

    /// <summary>The feature scaling fitted on the training rows, with its offsets and scales.</summary>
    public required FeatureScaling Scaling { get; init; }

    /// <summary>The regression target scaling fitted on the training rows; present exactly when the run's targetScaling is "standard".</summary>
    public TargetScaling? TargetScaling { get; init; }

    public IReadOnlyList<PhaseTiming> Timings { get; init; } = [];

    public IReadOnlyList<CertificateMetric> Metrics { get; init; } = [];

    /// <summary>The mean width (upper − lower) of the parameter box after each optimizer step.</summary>
    public IReadOnlyList<double> StepMeanBoundWidths { get; init; } = [];

    /// <summary>The certified parameter box, one entry per tensor in model order.</summary>
    public required IReadOnlyList<ParameterBounds> Parameters { get; init; }

    /// <summary>Set by <see cref="Read"/> when the arrays came from a side file: its name, SHA-256 and length.</summary>
    public ParametersSideFile? SideFile { get; init; }

    public ThreatModel Threat => Run.Resolved.Threat;

    public NumericPrecision Precision => Run.Resolved.Precision;

    public DomainKind Domain => Run.Resolved.Domain;

    public string ThreatDescription => Run.Resolved.DescribeThreat();

    /// <summary>Writes <c>certificate.json</c> (and, past the threshold, <c>parameters.bin</c> beside it), atomically.</summary>
    public void Write(string path, CertificateWriteOptions? options = null) => CertificateWriter.Write(this, path, options ?? new CertificateWriteOptions());

    /// <summary>The certificate's JSON with the parameter arrays inline (no side file).</summary>
    public string ToJson() => CertificateWriter.ToJson(this);

    /// <summary>Reads and checks a certificate, and its side file if it names one (whose SHA-256 must match).</summary>
    public static CertificateFile Read(string path) => CertificateReader.Read(path);
}

/// <summary>
/// The run a certificate is for: the run file's name as given, its SHA-256, its verbatim text, and the run with
/// every default filled in.
/// </summary>
public sealed record CertificateRun(string FileName, string Sha256, string GivenJson, ResolvedRun Resolved)
{
    /// <summary>From a run file on disk: its bytes are hashed and kept verbatim.</summary>
    public static CertificateRun FromFile(string path, ResolvedRun resolved)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return new CertificateRun(path, Convert.ToHexStringLower(SHA256.HashData(bytes)), Encoding.UTF8.GetString(bytes), resolved);
    }

    /// <summary>From run text held in memory (e.g. the built-in default run).</summary>
    public static CertificateRun FromText(string fileName, string json, ResolvedRun resolved) =>
        new(fileName, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))), json, resolved);
}

/// <summary>Seconds spent in one phase of a run (e.g. "load", "train", "certify").</summary>
public sealed record PhaseTiming(string Phase, double Seconds);

/// <summary>One metric on the test set: its value for the clean model and the value certified for every poisoned run.</summary>
public sealed record CertificateMetric(string Name, double Nominal, double Certified, string Description);

/// <summary>The binary side file holding a certificate's parameter arrays.</summary>
public sealed record ParametersSideFile(string FileName, string Sha256, long Length);

/// <summary>How <see cref="CertificateFile.Write"/> stores the parameter arrays.</summary>
public sealed record CertificateWriteOptions
{
    /// <summary>1 MiB: arrays whose values (lower, nominal and upper together) take more bytes go to the side file.</summary>
    public const long DefaultSideFileThreshold = 1 << 20;

    /// <summary>Parameter values of more than this many bytes go to <see cref="SideFileName"/>; 0 always, <see cref="long.MaxValue"/> never.</summary>
    public long SideFileThresholdBytes { get; init; } = DefaultSideFileThreshold;

    public string SideFileName { get; init; } = "parameters.bin";
}
