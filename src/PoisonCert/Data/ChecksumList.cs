namespace PoisonCert.Data;

/// <summary>
/// A <c>SHA256SUMS</c> file as written by sha256sum: one <c>hex  name</c> per line (a '*' before the name marks
/// binary mode). Names may contain '/' for files in subfolders.
/// </summary>
internal static class ChecksumList
{
    public static Dictionary<string, string> Read(string path)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            int space = line.IndexOf(' ');
            string hash = space == 64 ? line[..64] : "";
            string name = space == 64 && line.Length > 66 ? line[66..] : "";
            if (hash.Length != 64 || !hash.All(Uri.IsHexDigit) || name.Length == 0)
            {
                throw DataFormatException.AtLine(path, lineNumber, "expected '<64 hex digits>  <file name>' as written by sha256sum");
            }
            sums[name.TrimStart('*')] = hash.ToLowerInvariant();
        }
        return sums;
    }
}
