using PoisonCert.Cli.Progress;

namespace PoisonCert.Cli.Engine;

/// <summary>
/// The engine until certified training is wired in: every command parses and checks its input, then says that
/// the engine is not part of this build and exits with <see cref="ExitCodes.Refused"/> (no certificate given).
/// </summary>
public sealed class UnavailableRunEngine : IRunEngine
{
    public int Certify(CertifyRequest request, TextWriter output, ProgressReporter progress) => Unavailable(output, "certify", request.Run.Name ?? request.RunFilePath);

    public int Train(TrainRequest request, TextWriter output, ProgressReporter progress) => Unavailable(output, "train", request.RunFilePath);

    public int Verify(VerifyRequest request, TextWriter output, ProgressReporter progress) => Unavailable(output, "verify", request.CertificatePath);

    public int Sweep(SweepRequest request, TextWriter output, ProgressReporter progress) => Unavailable(output, "sweep", request.RunFilePath);

    public int Audit(AuditRequest request, TextWriter output, ProgressReporter progress) => Unavailable(output, "audit", request.RunFilePath);

    private static int Unavailable(TextWriter output, string command, string? subject)
    {
        output.WriteLine($"poisoncert {command}: the input{(subject is null ? "" : $" ({subject})")} is valid, but the certified-training engine is not part of this build yet; no certificate was produced.");
        return ExitCodes.Refused;
    }
}
