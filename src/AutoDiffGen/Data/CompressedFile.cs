using System;
using System.IO;
using System.IO.Compression;

namespace AutoDiffGen.Data;

/// <summary>Opens files that may or may not be gzip-compressed, deciding by content rather than by name.</summary>
internal static class CompressedFile
{
    // Data sets are routinely renamed (a .gz stripped by a browser, or kept on a decompressed file), so the
    // two-byte gzip signature is the only reliable sign. IDX files start with two zero bytes, so the two never clash.
    private const byte GzipId1 = 0x1f;
    private const byte GzipId2 = 0x8b;

    /// <summary>Opens <paramref name="path"/> for sequential reading, decompressing on the fly when it is gzip.</summary>
    /// <param name="path">The file to open.</param>
    /// <param name="isGzip">Whether the file starts with the gzip signature.</param>
    /// <returns>A stream of the file's (decompressed) content; the caller disposes it.</returns>
    public static Stream OpenRead(string path, out bool isGzip)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            int read = file.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false);
            file.Position = 0;
            isGzip = read == 2 && signature[0] == GzipId1 && signature[1] == GzipId2;
            return isGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }
}
