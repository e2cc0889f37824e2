using System.Globalization;

namespace PoisonCert.Data;

/// <summary>
/// Loads an MNIST-style pair of IDX files (images: N × d1 × d2 …, labels: N, unsigned bytes) into a classification
/// <see cref="Dataset"/> with one row per image, its pixels flattened row-major as features (0–255 for byte
/// images; no scaling is applied here). Gzip is detected by the magic bytes 1f 8b. Errors name the file and byte
/// offset.
/// </summary>
public static class IdxLoader
{
    /// <summary>The most values one file may declare: 2^28 (60,000 × 784 is about 2^25.5).</summary>
    public const long MaximumValues = 1L << 28;

    public static Dataset Load(string imagesPath, string labelsPath, int classCount = 10, string? datasetName = null,
        IReadOnlyList<string>? classNames = null)
    {
        if (classCount < 1)
        {
            throw new InvalidConfigurationException($"IDX labels '{labelsPath}': class count {classCount} must be at least 1.");
        }
        if (classNames is not null && classNames.Count != classCount)
        {
            throw new InvalidConfigurationException($"IDX labels '{labelsPath}': {classNames.Count} class names were given for {classCount} classes.");
        }
        IdxFile images = IdxFile.Read(imagesPath, MaximumValues);
        IdxFile labels = IdxFile.Read(labelsPath, MaximumValues);
        if (images.Dimensions.Length < 2)
        {
            throw DataFormatException.AtByte(imagesPath, 3,
                $"an image file needs at least 2 dimensions (count and pixels), found {images.Dimensions.Length}");
        }
        if (labels.Dimensions.Length != 1)
        {
            throw DataFormatException.AtByte(labelsPath, 3, $"a label file needs exactly 1 dimension, found {labels.Dimensions.Length}");
        }
        int rows = images.Dimensions[0];
        if (labels.Dimensions[0] != rows)
        {
            throw DataFormatException.AtByte(labelsPath, 4,
                $"declares {labels.Dimensions[0]} labels but '{imagesPath}' declares {rows} images: expected one label per image");
        }
        if (rows == 0 || images.ItemSize == 0)
        {
            throw DataFormatException.AtByte(imagesPath, 4, "the file declares no images or empty images: expected at least one non-empty image");
        }
        var classLabels = new int[rows];
        for (int row = 0; row < rows; row++)
        {
            double label = labels.Values[row];
            if (label < 0 || label >= classCount || label != Math.Floor(label))
            {
                long offset = 4 + 4 * labels.Dimensions.Length + row;
                throw DataFormatException.AtByte(labelsPath, offset,
                    $"label {label.ToString(CultureInfo.InvariantCulture)} of item {row} out of range{labels.OffsetContext}: expected an integer in [0, {classCount})");
            }
            classLabels[row] = (int)label;
        }
        int columns = (int)images.ItemSize;
        string shape = string.Join("×", images.Dimensions.Skip(1));
        string[] featureNames = [.. Enumerable.Range(0, columns).Select(index => $"pixel{index}")];
        IReadOnlyList<string> names = classNames ?? [.. Enumerable.Range(0, classCount).Select(label => label.ToString(CultureInfo.InvariantCulture))];
        string description = $"IDX images '{Path.GetFileName(imagesPath)}' ({rows} × {shape}) with labels '{Path.GetFileName(labelsPath)}'";
        return Dataset.CreateClassification(datasetName ?? Path.GetFileName(imagesPath), rows, columns, images.Values,
            featureNames, "label", classLabels, names, description, [images.Source, labels.Source]);
    }
}
