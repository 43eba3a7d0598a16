using System;
using System.Buffers.Binary;
using System.IO;

namespace AutoDiffGen.Tests.Walkthrough;

/// <summary>Reads the size of a PNG from its first chunk, after checking that the file is one.</summary>
internal static class PngHeader
{
    // Every PNG starts with these 8 bytes, then the IHDR chunk: a 4-byte length (13), "IHDR", then the width and the
    // height as big-endian 32-bit integers (PNG specification, sections 5.2 and 11.2.2).
    private static readonly byte[] s_signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts that <paramref name="path"/> is a PNG with a positive width and height, and returns them.</summary>
    public static (int Width, int Height) Read(string path)
    {
        Assert.True(File.Exists(path), $"no file at {path}");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 33, $"{path} has {bytes.Length} bytes, too few for a PNG signature and header");
        Assert.Equal(s_signature, bytes.AsSpan(0, 8).ToArray());
        Assert.Equal(13, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8, 4)));
        Assert.Equal("IHDR"u8.ToArray(), bytes.AsSpan(12, 4).ToArray());
        int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4));
        int height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4));
        Assert.True(width > 0, $"width {width}");
        Assert.True(height > 0, $"height {height}");
        return (width, height);
    }
}
