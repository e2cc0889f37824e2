using System.CommandLine;

namespace PoisonCert.Cli.Commands;

/// <summary>The <c>poisoncert</c> command tree. Every command has <c>--help</c>.</summary>
public static class CommandTree
{
    public static RootCommand Build(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand(
            "PoisonCert certifies that models trained by gradient descent are robust to training-data poisoning: " +
            "it trains while propagating sound bounds and returns a parameter box that contains every poisoned run. " +
            "Without a command: certifies the default run (WDBC), as 'poisoncert certify' without a run file does. " +
            "Exit codes: 0 success, 1 certificate refused or check failed, 2 usage or input error.")
        {
            RunCommands.Certify(context),
            RunCommands.Train(context),
            VerifyCommand.Create(context),
            RunCommands.Sweep(context),
            RunCommands.Audit(context),
            RegionCommand.Create(context),
            DatasetsCommand.Create(context),
        };
        root.SetAction(_ => RunCommands.CertifyDefault(context));
        return root;
    }
}
