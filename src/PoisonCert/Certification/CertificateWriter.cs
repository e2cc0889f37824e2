using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PoisonCert.Data;
using PoisonCert.Runs;

namespace PoisonCert.Certification;

/// <summary>Writes certificates: canonical JSON, parameter arrays inline or in the binary side file, atomically.</summary>
internal static class CertificateWriter
{
    public static void Write(CertificateFile certificate, string path, CertificateWriteOptions options)
    {
        Check(certificate);
        long valueBytes = certificate.Parameters.Sum(tensor => 3L * tensor.ElementCount * tensor.Lower.ElementSize);
        ParametersSideFile? side = null;
        string? sidePath = null;
        if (valueBytes > options.SideFileThresholdBytes)
        {
            if (options.SideFileName.Length == 0 || options.SideFileName != Path.GetFileName(options.SideFileName))
            {
                throw new InvalidConfigurationException($"The parameters side file name '{options.SideFileName}' must be a plain file name (it is written beside the certificate).");
            }
            sidePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", options.SideFileName);
            byte[] binary = ParametersBinary.Encode(certificate.Parameters);
            side = new ParametersSideFile(options.SideFileName, Convert.ToHexStringLower(SHA256.HashData(binary)), binary.LongLength);
            AtomicFile.WriteAllBytes(sidePath, binary);
        }
        byte[] json = Encoding.UTF8.GetBytes(ToJson(certificate, side));
        try
        {
            AtomicFile.WriteAllBytes(path, json);
        }
        catch when (sidePath is not null)
        {
            File.Delete(sidePath);
            throw;
        }
    }

    public static string ToJson(CertificateFile certificate)
    {
        Check(certificate);
        return ToJson(certificate, null);
    }

    private static void Check(CertificateFile certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if ((certificate.InitialParameters is null) != (certificate.Run.Resolved.Model.InitialParameters is null))
        {
            throw new InvalidConfigurationException("Certificate not written: the initial parameters file must be recorded exactly when the run names one (model.initialParameters).");
        }
        if (certificate.Split.TrainRowRange != certificate.Run.Resolved.Split.TrainRows)
        {
            throw new InvalidConfigurationException("Certificate not written: the split's training row range differs from the run's split.trainRows.");
        }
        if (CertificateFileChecks.CheckBounds(certificate.Parameters, certificate.Precision) is var (path, problem))
        {
            throw new BoundViolationException($"Certificate not written: {path}: {problem}.");
        }
        foreach (double value in certificate.StepMeanBoundWidths.Concat(certificate.Metrics.SelectMany(metric => new[] { metric.Nominal, metric.Certified }))
            .Concat(certificate.Timings.Select(timing => timing.Seconds)))
        {
            if (!double.IsFinite(value))
            {
                throw new BoundViolationException($"Certificate not written: a metric, timing or step width is {value}; every number must be finite.");
            }
        }
    }

    private static string ToJson(CertificateFile certificate, ParametersSideFile? side) => CanonicalJson.Write(writer =>
    {
        ResolvedRun run = certificate.Run.Resolved;
        writer.WriteStartObject();
        writer.WriteString("format", CertificateFile.FormatName);
        writer.WriteNumber("formatVersion", CertificateFile.FormatVersion);
        writer.WriteString("toolVersion", certificate.ToolVersion);
        if (certificate.Created is DateTimeOffset created)
        {
            writer.WriteString("created", created.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        }
        writer.WriteStartObject("run");
        writer.WriteString("file", certificate.Run.FileName);
        writer.WriteString("sha256", certificate.Run.Sha256);
        writer.WriteString("given", certificate.Run.GivenJson);
        writer.WritePropertyName("resolved");
        RunJsonWriter.Write(writer, run);
        writer.WriteEndObject();
        writer.WriteStartArray("dataFiles");
        foreach (SourceFile file in certificate.DataFiles)
        {
            writer.WriteStartObject();
            writer.WriteString("path", file.Path);
            writer.WriteString("sha256", file.Sha256);
            writer.WriteNumber("bytes", file.Length);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (certificate.InitialParameters is { } initial)
        {
            writer.WriteStartObject("initialParameters");
            writer.WriteString("path", initial.Path);
            writer.WriteString("sha256", initial.Sha256);
            writer.WriteNumber("bytes", initial.Length);
            writer.WriteEndObject();
        }
        writer.WriteStartObject("threatModel");
        writer.WriteString("description", certificate.ThreatDescription);
        writer.WriteNumber("batchSize", run.Training.BatchSize);
        RunJsonWriter.WriteThreat(writer, run.Threat, run.TargetKind);
        writer.WriteEndObject();
        writer.WriteString("precision", RunVocabulary.Precision.Name(run.Precision));
        writer.WriteString("domain", RunVocabulary.Domain.Name(run.Domain));
        SplitDescription split = certificate.Split;
        writer.WriteStartObject("split");
        writer.WriteString("method", split.Method);
        writer.WriteNumber("seed", split.Seed);
        CanonicalJson.Number(writer, "testFraction", split.TestFraction);
        writer.WriteBoolean("stratified", split.Stratified);
        writer.WriteNumber("trainRows", split.TrainRows);
        writer.WriteNumber("testRows", split.TestRows);
        if (split.TrainRowRange is { } range)
        {
            CanonicalJson.InlineArray(writer, "trainRowRange", [range.Start.ToString(CultureInfo.InvariantCulture), range.End.ToString(CultureInfo.InvariantCulture)]);
            writer.WriteNumber("splitTrainRows", split.SplitTrainRows ?? throw new InvalidConfigurationException("A split with a training row range must record the rows of the whole training part."));
        }
        writer.WriteEndObject();
        FeatureScaling scaling = certificate.Scaling;
        writer.WriteStartObject("scaling");
        writer.WriteString("method", RunVocabulary.Scaling.Name(scaling.Method));
        writer.WriteNumber("fittedOnRows", scaling.FittedOnRows);
        CanonicalJson.Strings(writer, "featureNames", scaling.FeatureNames);
        CanonicalJson.InlineArray(writer, "offsets", [.. scaling.Offsets.Select(CanonicalJson.Format)]);
        CanonicalJson.InlineArray(writer, "scales", [.. scaling.Scales.Select(CanonicalJson.Format)]);
        writer.WriteEndObject();
        if (certificate.TargetScaling is { } targetScaling)
        {
            writer.WriteStartObject("targetScaling");
            writer.WriteString("method", RunVocabulary.TargetScaling.Name(targetScaling.Method));
            writer.WriteNumber("fittedOnRows", targetScaling.FittedOnRows);
            CanonicalJson.Strings(writer, "targetNames", targetScaling.TargetNames);
            CanonicalJson.InlineArray(writer, "offsets", [.. targetScaling.Offsets.Select(CanonicalJson.Format)]);
            CanonicalJson.InlineArray(writer, "scales", [.. targetScaling.Scales.Select(CanonicalJson.Format)]);
            writer.WriteEndObject();
        }
        writer.WriteStartArray("timings");
        foreach (PhaseTiming timing in certificate.Timings)
        {
            writer.WriteStartObject();
            writer.WriteString("phase", timing.Phase);
            CanonicalJson.Number(writer, "seconds", timing.Seconds);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("metrics");
        foreach (CertificateMetric metric in certificate.Metrics)
        {
            writer.WriteStartObject();
            writer.WriteString("name", metric.Name);
            CanonicalJson.Number(writer, "nominal", metric.Nominal);
            CanonicalJson.Number(writer, "certified", metric.Certified);
            writer.WriteString("description", metric.Description);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        CanonicalJson.InlineArray(writer, "stepMeanBoundWidths", [.. certificate.StepMeanBoundWidths.Select(CanonicalJson.Format)]);
        if (side is not null)
        {
            writer.WriteStartObject("parametersFile");
            writer.WriteString("path", side.FileName);
            writer.WriteString("sha256", side.Sha256);
            writer.WriteNumber("bytes", side.Length);
            writer.WriteString("layout", ParametersBinary.LayoutName);
            writer.WriteEndObject();
        }
        writer.WriteStartArray("parameters");
        foreach (ParameterBounds tensor in certificate.Parameters)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tensor.Name);
            CanonicalJson.InlineArray(writer, "shape", [.. tensor.Shape.Select(dimension => dimension.ToString(CultureInfo.InvariantCulture))]);
            if (side is null)
            {
                CanonicalJson.InlineArray(writer, "lower", tensor.Lower.Formatted());
                CanonicalJson.InlineArray(writer, "nominal", tensor.Nominal.Formatted());
                CanonicalJson.InlineArray(writer, "upper", tensor.Upper.Formatted());
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    });
}
