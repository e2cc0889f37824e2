using System.CommandLine;
using PoisonCert.Cli.Commands;
using PoisonCert.Cli.Engine;

namespace PoisonCert.Cli;

/// <summary>
/// Entry point of the <c>poisoncert</c> command. Exit codes: 0 success, 1 certificate refused or check failed,
/// 2 usage or input error.
/// </summary>
public static class Program
{
    public static int Main(string[] args) =>
        Run(args, new CommandContext { Output = Console.Out, Error = Console.Error, Engine = new RunEngine() });

    /// <summary>Parses and runs a command line with the given writers and engine; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        RootCommand root = CommandTree.Build(context);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                context.Error.WriteLine($"poisoncert: {error.Message}");
            }
            string command = parsed.CommandResult.Command == root ? "poisoncert" : $"poisoncert {CommandPath(parsed)}";
            context.Error.WriteLine($"Run '{command} --help' for usage.");
            return ExitCodes.UsageError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = context.Output, Error = context.Error, EnableDefaultExceptionHandler = false });
    }

    public static string Version =>
        typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    private static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var result = parsed.CommandResult; result.Parent is System.CommandLine.Parsing.CommandResult parent; result = parent)
        {
            names.Insert(0, result.Command.Name);
        }
        return string.Join(" ", names);
    }
}
