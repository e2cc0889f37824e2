namespace PoisonCert.Data;

/// <summary>One file a dataset was read from, with the SHA-256 (lower-case hex) of its bytes as stored on disk.</summary>
public sealed record SourceFile(string Path, string Sha256, long Length);
