using System.CommandLine;
using PoisonCert.Certification;
using PoisonCert.Cli.Engine;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Commands;

/// <summary>The commands that take a run file: certify, train, sweep, audit.</summary>
internal static class RunCommands
{
    /// <summary>
    /// The run <c>poisoncert certify</c> (and <c>poisoncert</c> alone) uses without a run file: the WDBC breast-cancer
    /// data, a 16-unit ReLU network, one sample per batch of 64 with every feature moved by up to 0.01 (standardised
    /// units), bounds with exact sign-case interval products; every other setting at its default.
    /// </summary>
    public const string DefaultRunJson = """
        {
          "name": "wdbc-default",
          "dataset": { "name": "wdbc" },
          "domain": "interval-exact",
          "training": { "epochs": 3, "batchSize": 64, "learningRate": 0.1 },
          "threat": { "features": { "count": 1, "epsilon": 0.01 } }
        }
        """;

    public const string DefaultRunFileName = "default-run.json";

    /// <summary>The default run's certificate, as <c>poisoncert certify</c> with no arguments writes it (the root command's action).</summary>
    public static int CertifyDefault(CommandContext context) => context.Guard("certify", () =>
    {
        RunSpecification specification = Load(null);
        var request = new CertifyRequest(null, specification, DefaultFolder(specification, null, ""), CertificateWriteOptions.DefaultSideFileThreshold, true);
        return context.Engine.Certify(request, context.Output, context.Progress(context.Output));
    });

    public static Command Certify(CommandContext context)
    {
        var run = OptionParsers.ExistingFileArgument("RUN", "The run file (JSON; see docs/formats.md). Without it: WDBC with every default.", required: false);
        var output = OptionParsers.OutputFolder("Folder for certificate.json, parameters.bin, report.md and the plots (default: out/<run name>).");
        var threshold = OptionParsers.NonNegativeLong("--side-file-threshold",
            "Parameter arrays of more bytes than this go to parameters.bin instead of certificate.json.", CertificateWriteOptions.DefaultSideFileThreshold);
        var noReport = new Option<bool>("--no-report") { Description = "Write the certificate only, no report.md or plots." };
        var command = new Command("certify", "Train with sound bounds under the run's threat model and write a certificate.") { run, output, threshold, noReport };
        command.SetAction(parsed => context.Guard("certify", () =>
        {
            string? path = parsed.GetValue(run);
            RunSpecification specification = Load(path);
            string folder = parsed.GetValue(output) ?? DefaultFolder(specification, path, "");
            var request = new CertifyRequest(path, specification, folder, parsed.GetValue(threshold), !parsed.GetValue(noReport));
            return context.Engine.Certify(request, context.Output, context.Progress(context.Output));
        }));
        return command;
    }

    public static Command Train(CommandContext context)
    {
        var run = OptionParsers.ExistingFileArgument("RUN", "The run file (JSON).", required: true);
        var trainData = OptionParsers.ExistingFile("--train-data", "Train on this file instead of the run's training split (same format and options as the run's dataset).");
        var output = OptionParsers.OutputFile("--out", "Where to write the trained parameters (params.json).", required: true);
        var command = new Command("train", "Train the nominal model of a run (no bounds) and write its parameters.") { run, trainData, output };
        command.SetAction(parsed => context.Guard("train", () =>
        {
            string path = parsed.GetValue(run)!;
            var request = new TrainRequest(path, Load(path), parsed.GetValue(trainData), parsed.GetValue(output)!);
            return context.Engine.Train(request, context.Output, context.Progress(context.Output));
        }));
        return command;
    }

    public static Command Sweep(CommandContext context)
    {
        var run = OptionParsers.ExistingFileArgument("RUN", "The run file (JSON); its feature budget and ε are replaced by each pair.", required: true);
        var budgets = OptionParsers.NonNegativeIntegerList("--k", "Poisoned points per batch to certify for (comma-separated).");
        var epsilons = OptionParsers.NonNegativeNumberList("--epsilon", "Feature perturbation radii ε (ℓ∞) to certify for (comma-separated).");
        var output = OptionParsers.OutputFolder("Folder for the sweep's certificates, report and plot (default: out/<run name>-sweep).");
        var vary = OptionParsers.SweepTarget("--vary",
            "What k counts: 'features' (default; poisoned feature vectors, each ε their radius) or 'labels' (poisoned labels of the run file's kind; "
            + "each ε the radius of the run file's feature poisoning).");
        var command = new Command("sweep", "Certify a run for every budget k and radius ε and plot the certified metric against k.") { run, budgets, epsilons, output, vary };
        command.SetAction(parsed => context.Guard("sweep", () =>
        {
            string path = parsed.GetValue(run)!;
            RunSpecification specification = Load(path);
            int[] ks = parsed.GetValue(budgets)!;
            double[] radii = parsed.GetValue(epsilons)!;
            bool labels = parsed.GetValue(vary) == "labels";
            CheckSweepBudgets(specification, ks, radii, labels);
            var request = new SweepRequest(path, specification, ks, radii, parsed.GetValue(output) ?? DefaultFolder(specification, path, "-sweep"), labels);
            return context.Engine.Sweep(request, context.Output, context.Progress(context.Output));
        }));
        return command;
    }

    public static Command Audit(CommandContext context)
    {
        var run = OptionParsers.ExistingFileArgument("RUN", "The run file (JSON).", required: true);
        var runs = OptionParsers.PositiveInteger("--runs", "Concrete poisoned training runs to check against the certified box.", 10);
        var seed = OptionParsers.Seed("--seed", "Seed of the attacks' random choices.");
        var output = OptionParsers.OutputFolder("Folder for the audit log (default: out/<run name>-audit).");
        var command = new Command("audit", "Train concretely poisoned runs and check that each stays inside the certified parameter box.") { run, runs, seed, output };
        command.SetAction(parsed => context.Guard("audit", () =>
        {
            string path = parsed.GetValue(run)!;
            RunSpecification specification = Load(path);
            var request = new AuditRequest(path, specification, parsed.GetValue(runs), parsed.GetValue(seed), parsed.GetValue(output) ?? DefaultFolder(specification, path, "-audit"));
            return context.Engine.Audit(request, context.Output, context.Progress(context.Output));
        }));
        return command;
    }

    /// <summary>The run file, or the built-in default run when no path is given.</summary>
    public static RunSpecification Load(string? path) =>
        path is null ? RunFile.Parse(DefaultRunJson, DefaultRunFileName) : RunFile.Load(path);

    private static string DefaultFolder(RunSpecification run, string? path, string suffix) =>
        Path.Combine("out", (run.Name ?? RunFile.DefaultName(path ?? DefaultRunFileName)) + suffix);

    /// <summary>Every swept budget must fit the run's batches (checked by resolving each variant now, not after hours of training).</summary>
    private static void CheckSweepBudgets(RunSpecification run, IReadOnlyList<int> budgets, IReadOnlyList<double> epsilons, bool labels)
    {
        if (labels && run.Threat?.Labels is null)
            throw new InvalidConfigurationException($"--vary labels: the run file '{run.SourceFile}' has no threat.labels to take the kind of label poisoning from.");
        foreach (int k in budgets)
        {
            RunSpecification variant = run with { Threat = RunEngine.SweepThreat(run.Threat, k, epsilons[0], labels) };
            try
            {
                variant.CheckCombinations();
            }
            catch (RunFileException error)
            {
                throw new InvalidConfigurationException($"--k {k}: {error.Problem} (run file '{run.SourceFile}').");
            }
        }
    }
}
