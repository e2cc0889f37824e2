using PoisonCert.Cli;
using PoisonCert.Cli.Commands;
using PoisonCert.Cli.Engine;
using PoisonCert.Cli.Progress;

namespace PoisonCert.Tests.Cli;

/// <summary>An engine that records the request it was given and returns a chosen exit code.</summary>
internal sealed class RecordingEngine : IRunEngine
{
    public object? Request { get; private set; }

    public int ExitCode { get; init; } = ExitCodes.Success;

    public int Certify(CertifyRequest request, TextWriter output, ProgressReporter progress) => Record(request);

    public int Train(TrainRequest request, TextWriter output, ProgressReporter progress) => Record(request);

    public int Verify(VerifyRequest request, TextWriter output, ProgressReporter progress) => Record(request);

    public int Sweep(SweepRequest request, TextWriter output, ProgressReporter progress) => Record(request);

    public int Audit(AuditRequest request, TextWriter output, ProgressReporter progress) => Record(request);

    private int Record(object request)
    {
        Request = request;
        return ExitCode;
    }
}

/// <summary>Runs the command line against a recording engine and captures what it writes.</summary>
internal sealed class CommandRun
{
    public CommandRun(params string[] args) : this(new RecordingEngine(), args)
    {
    }

    public CommandRun(RecordingEngine engine, params string[] args)
    {
        Engine = engine;
        var output = new StringWriter();
        var error = new StringWriter();
        ExitCode = Program.Run(args, new CommandContext
        {
            Output = output,
            Error = error,
            Engine = engine,
            Progress = _ => ProgressReporter.Silent,
        });
        Output = output.ToString();
        Error = error.ToString();
    }

    public RecordingEngine Engine { get; }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }
}
