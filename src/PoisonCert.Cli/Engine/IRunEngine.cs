using PoisonCert.Certification;
using PoisonCert.Cli.Progress;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Engine;

/// <summary>
/// What the commands ask of the certified-training engine. The command line parses and checks its options and
/// reads the run file (or certificate) before calling; a method returns an exit code (<see cref="ExitCodes"/>):
/// 0 done, 1 certificate refused or a check failed. It may throw a <see cref="PoisonCertException"/>, which the
/// command reports (exit code 2, or 1 for a <see cref="BoundViolationException"/>). Text for the user goes to
/// <c>output</c>; progress through <c>progress</c>.
/// </summary>
public interface IRunEngine
{
    /// <summary>Trains with bounds, certifies, writes certificate.json (and parameters.bin), report.md and plots into <see cref="CertifyRequest.OutputFolder"/>.</summary>
    int Certify(CertifyRequest request, TextWriter output, ProgressReporter progress);

    /// <summary>Trains the nominal model only and writes params.json to <see cref="TrainRequest.OutputPath"/>.</summary>
    int Train(TrainRequest request, TextWriter output, ProgressReporter progress);

    /// <summary>Re-checks a certificate: data checksums, re-derivation of the bounds, the parameters' membership of the box.</summary>
    int Verify(VerifyRequest request, TextWriter output, ProgressReporter progress);

    /// <summary>Certifies the run for every (k, ε) pair and writes the sweep report and plot.</summary>
    int Sweep(SweepRequest request, TextWriter output, ProgressReporter progress);

    /// <summary>Trains <see cref="AuditRequest.Runs"/> concretely poisoned runs and checks that every one lies inside the certified box.</summary>
    int Audit(AuditRequest request, TextWriter output, ProgressReporter progress);
}

/// <summary><c>poisoncert certify [RUN.json] [--out DIR]</c>. <see cref="RunFilePath"/> is null for the built-in default run.</summary>
public sealed record CertifyRequest(string? RunFilePath, RunSpecification Run, string OutputFolder, long SideFileThresholdBytes, bool WriteReport);

/// <summary><c>poisoncert train RUN.json [--train-data FILE] --out params.json</c>; <see cref="TrainDataPath"/> replaces the run's training data.</summary>
public sealed record TrainRequest(string RunFilePath, RunSpecification Run, string? TrainDataPath, string OutputPath);

/// <summary><c>poisoncert verify certificate.json [--params params.json]</c>; the certificate was read and checked structurally.</summary>
public sealed record VerifyRequest(string CertificatePath, CertificateFile Certificate, string? ParametersPath);

/// <summary><c>poisoncert sweep RUN.json --k 0,1,5,10 --epsilon 0.01,0.05 [--out DIR]</c>: every budget k with every ε.</summary>
/// <summary>A sweep: k is the feature budget (each ε its radius) or, with <paramref name="VaryLabels"/>, the label budget
/// (each ε then the radius of the run file's feature poisoning, if any).</summary>
public sealed record SweepRequest(string RunFilePath, RunSpecification Run, IReadOnlyList<int> Budgets, IReadOnlyList<double> Epsilons, string OutputFolder,
    bool VaryLabels = false);

/// <summary><c>poisoncert audit RUN.json [--runs N] [--seed S] [--out DIR]</c>.</summary>
public sealed record AuditRequest(string RunFilePath, RunSpecification Run, int Runs, ulong Seed, string OutputFolder);
