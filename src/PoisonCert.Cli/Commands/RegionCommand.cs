using System.CommandLine;
using System.Globalization;
using System.Numerics;
using PoisonCert.Certification;
using PoisonCert.Cli.Reports;
using PoisonCert.Data;
using PoisonCert.Models;
using PoisonCert.Runs;

namespace PoisonCert.Cli.Commands;

/// <summary>
/// <c>poisoncert region certificate.json</c>: for a classification run on two features, the input plane on a grid,
/// each grid point marked by whether its predicted class is the same for every model in the certified box (hence
/// for every poisoned run), with the training points; a PNG and a one-line summary.
/// </summary>
internal static class RegionCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create(CommandContext context)
    {
        var certificate = OptionParsers.ExistingFileArgument("CERTIFICATE", "The certificate (certificate.json) of a classification run on two features.", required: true);
        var output = OptionParsers.OutputFile("--out", "Where to write the PNG (default: region.png beside the certificate).", required: false);
        var resolution = OptionParsers.PositiveInteger("--resolution", "Grid points along each axis.", 160);
        var command = new Command("region", "Plot the input plane of a two-feature classifier: where the prediction is certified (the same for every poisoned model) and where not.")
        {
            certificate, output, resolution,
        };
        command.SetAction(parsed => context.Guard("region", () =>
        {
            string path = parsed.GetValue(certificate)!;
            string png = parsed.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", "region.png");
            return Run(CertificateFile.Read(path), context.Registry(), png, parsed.GetValue(resolution), context.Output);
        }));
        return command;
    }

    public static int Run(CertificateFile certificate, DatasetRegistry registry, string png, int resolution, TextWriter output)
    {
        var runFolder = Path.GetDirectoryName(Path.GetFullPath(certificate.Run.FileName)) ?? ".";
        var specification = RunFile.Parse(certificate.Run.GivenJson, certificate.Run.FileName) with { BaseFolder = runFolder };
        var prepared = RunPipeline.Prepare(specification, registry);
        if (prepared.Run.TargetKind != TargetKind.Classification || prepared.Train.Columns != 2)
            throw new InvalidConfigurationException(
                $"region: the certificate's run '{prepared.Run.Name}' is a {(prepared.Run.TargetKind == TargetKind.Classification ? "classification" : "regression")} run on {prepared.Train.Columns} features; the plane plot needs a classification run on exactly 2.");
        if (resolution < 2) throw new InvalidConfigurationException($"--resolution {resolution}: expected at least 2 grid points per axis.");
        var region = prepared.Run.Precision == NumericPrecision.Float64
            ? Grid<double>(certificate, prepared, resolution)
            : Grid<float>(certificate, prepared, resolution);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(png));
        if (folder is not null) Directory.CreateDirectory(folder);
        ReportPlots.Region(region, prepared.Run.Name, prepared.Run.DescribeThreat(), png);
        int certified = region.Stable.Count(s => s);
        output.WriteLine(string.Format(Invariant,
            "Region of '{0}': the prediction is certified (the same for every model in the box) on {1:P1} of the {2} × {2} grid over [{3:G3}, {4:G3}] × [{5:G3}, {6:G3}]; wrote {7}.",
            prepared.Run.Name, (double)certified / region.Stable.Length, resolution, region.XMin, region.XMax, region.YMin, region.YMax, png));
        return ExitCodes.Success;
    }

    private static RegionData Grid<T>(CertificateFile certificate, PreparedRun prepared, int resolution) where T : IBinaryFloatingPointIeee754<T>
    {
        var run = prepared.Run;
        var raw = prepared.Split.Train;
        var architecture = RunPipeline.Architecture(run, 2, RunPipeline.Outputs(run, prepared.Train));
        var box = CertificateBoxes.Load<T>(certificate, architecture);
        double Min(int column) => Enumerable.Range(0, raw.Rows).Min(r => raw.Row(r)[column]);
        double Max(int column) => Enumerable.Range(0, raw.Rows).Max(r => raw.Row(r)[column]);
        double padX = 0.1 * (Max(0) - Min(0)), padY = 0.1 * (Max(1) - Min(1));
        double xMin = Min(0) - padX, xMax = Max(0) + padX, yMin = Min(1) - padY, yMax = Max(1) + padY;
        var features = new T[resolution * resolution * 2];
        for (int row = 0; row < resolution; row++)
            for (int column = 0; column < resolution; column++)
            {
                double x = xMin + (xMax - xMin) * column / (resolution - 1), y = yMin + (yMax - yMin) * row / (resolution - 1);
                int at = (row * resolution + column) * 2;
                features[at] = T.CreateTruncating((x - prepared.Scaling.Offsets[0]) / prepared.Scaling.Scales[0]);
                features[at + 1] = T.CreateTruncating((y - prepared.Scaling.Offsets[1]) / prepared.Scaling.Scales[1]);
            }
        var grid = TrainingSet<T>.Classification("grid", 2, features, new int[resolution * resolution], raw.ClassCount);
        var result = TestTimeCertifier.Classification(box, grid, 0, RunPipeline.Bounds(run));
        var points = Enumerable.Range(0, raw.Rows).Select(r => (raw.Row(r)[0], raw.Row(r)[1], raw.Labels[r])).ToArray();
        return new RegionData(resolution, xMin, xMax, yMin, yMax, result.NominalPredictions, result.StablePerPoint, points);
    }
}

/// <summary>A grid over the input plane (row-major from the bottom left): the clean model's class and whether it is certified, and the training points.</summary>
internal sealed record RegionData(int Resolution, double XMin, double XMax, double YMin, double YMax, int[] Predictions, bool[] Stable,
    (double X, double Y, int Label)[] TrainingPoints);
