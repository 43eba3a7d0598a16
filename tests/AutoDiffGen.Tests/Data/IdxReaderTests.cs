using System.IO;
using AutoDiffGen.Data;

namespace AutoDiffGen.Tests.Data;

/// <summary>IdxReader reads well-formed IDX files, raw or gzip, and rejects malformed ones with messages that help.</summary>
public sealed class IdxReaderTests : System.IDisposable
{
    private readonly TempDirectory _directory = new();

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Reads_raw_3d_images()
    {
        string path = _directory.Write("images-idx3-ubyte", DataTestFiles.UnsignedByteIdx(2, 3, 4));

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal((2, 3, 4, 12), (images.Count, images.Rows, images.Columns, images.PixelsPerImage));
        Assert.Equal(DataTestFiles.Sequence(24), images.Pixels);
    }

    [Fact]
    public void Reads_gzipped_images_recognised_by_content_whatever_the_name()
    {
        byte[] raw = DataTestFiles.UnsignedByteIdx(3, 2, 2);
        string gzipWithoutSuffix = _directory.Write("images-idx3-ubyte", DataTestFiles.Gzip(raw));
        string rawWithGzSuffix = _directory.Write("other-idx3-ubyte.gz", raw);

        Assert.Equal(DataTestFiles.Sequence(12), IdxReader.ReadImages(gzipWithoutSuffix).Pixels);
        Assert.Equal(DataTestFiles.Sequence(12), IdxReader.ReadImages(rawWithGzSuffix).Pixels);
    }

    [Fact]
    public void Reads_1d_labels_raw_and_gzipped()
    {
        byte[] labels = DataTestFiles.Idx(IdxReader.LabelsMagic, [5], [3, 1, 4, 1, 5]);
        string raw = _directory.Write("labels-idx1-ubyte", labels);
        string gzip = _directory.Write("labels-idx1-ubyte.gz", DataTestFiles.Gzip(labels));

        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, IdxReader.ReadLabels(raw));
        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, IdxReader.ReadLabels(gzip));
    }

    [Fact]
    public void Reads_any_rank_with_its_dimensions()
    {
        string path = _directory.Write("four-d", DataTestFiles.Gzip(DataTestFiles.UnsignedByteIdx(2, 1, 3, 2)));

        IdxArray array = IdxReader.Read(path);

        Assert.Equal(new[] { 2, 1, 3, 2 }, array.Dimensions);
        Assert.Equal(4, array.Rank);
        Assert.Equal(DataTestFiles.Sequence(12), array.Data);
    }

    [Fact]
    public void Reads_an_empty_set()
    {
        string path = _directory.Write("empty", DataTestFiles.UnsignedByteIdx(0, 28, 28));

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(0, images.Count);
        Assert.Empty(images.Pixels);
    }

    [Fact]
    public void Reads_a_set_larger_than_the_first_gzip_buffer()
    {
        // 1.5 MB decompressed, so the gzip path has to grow its buffer at least once.
        string path = _directory.Write("big.gz", DataTestFiles.Gzip(DataTestFiles.UnsignedByteIdx(2000, 28, 28)));

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(DataTestFiles.Sequence(2000 * 784), images.Pixels);
    }

    [Fact]
    public void Wrong_magic_is_reported_with_expected_and_found_values()
    {
        byte[] bytes = DataTestFiles.UnsignedByteIdx(1, 2, 2);
        bytes[0] = 0x50; // as in "PK", the start of a zip file
        bytes[1] = 0x4B;
        string path = _directory.Write("not-idx.bin", bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("0x00000803", error.Message);
        Assert.Contains("found 0x504B0803", error.Message);
    }

    [Fact]
    public void Wrong_type_byte_is_reported_with_expected_and_found_type()
    {
        byte[] bytes = DataTestFiles.Idx(0x00000D03, [1, 1, 1], [0, 0, 0, 0]); // float32 data
        string path = _directory.Write("floats-idx3", bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("0x08", error.Message);
        Assert.Contains("type byte 0x0D (32-bit float)", error.Message);
    }

    [Fact]
    public void Labels_file_read_as_images_is_reported_as_a_dimension_mismatch()
    {
        string path = _directory.Write("train-labels-idx1-ubyte", DataTestFiles.Labels(4));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected the magic number 0x00000803 (3-dimensional data)", error.Message);
        Assert.Contains("found 0x00000801 (1-dimensional data)", error.Message);
    }

    [Fact]
    public void Zero_dimensions_are_rejected()
    {
        string path = _directory.Write("scalar", DataTestFiles.Idx(0x00000800, [], [7]));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected between 1 and 16 dimensions, found 0", error.Message);
    }

    [Fact]
    public void Empty_file_is_a_truncated_header()
    {
        string path = _directory.Write("empty-file", []);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected at least 4 bytes (the magic number), found 0", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_header_is_reported_with_expected_and_found_lengths(bool gzip)
    {
        byte[] bytes = DataTestFiles.UnsignedByteIdx(1, 2, 2)[..10]; // magic and 1½ of the 3 sizes
        string path = _directory.Write("short-header", gzip ? DataTestFiles.Gzip(bytes) : bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected 16 header bytes", error.Message);
        Assert.Contains("found 10", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_data_is_reported_with_expected_and_found_lengths(bool gzip)
    {
        byte[] bytes = DataTestFiles.UnsignedByteIdx(3, 2, 2)[..(16 + 5)]; // 5 of 12 data bytes
        string path = _directory.Write("short-data", gzip ? DataTestFiles.Gzip(bytes) : bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("the data is truncated", error.Message);
        Assert.Contains("call for 12 data bytes", error.Message);
        Assert.Contains("found 5 data bytes", error.Message);
        Assert.Contains("3×2×2", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_reported_with_their_count(bool gzip)
    {
        byte[] bytes = [.. DataTestFiles.UnsignedByteIdx(3, 2, 2), 9, 9, 9];
        string path = _directory.Write("long-data", gzip ? DataTestFiles.Gzip(bytes) : bytes);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("to end after 12 data bytes", error.Message);
        Assert.Contains("found 3 trailing bytes", error.Message);
    }

    [Fact]
    public void Negative_size_is_reported_with_the_value_and_dimension()
    {
        string path = _directory.Write("negative", DataTestFiles.Idx(IdxReader.ImagesMagic, [2, -5, 3], []));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("expected non-negative dimension sizes, found size -5 for dimension 1", error.Message);
    }

    [Fact]
    public void Implausibly_large_sizes_are_rejected_before_allocating()
    {
        string path = _directory.Write("huge.gz", DataTestFiles.Gzip(DataTestFiles.Idx(IdxReader.ImagesMagic, [100000, 10000, 10000], [])));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("100000×10000×10000", error.Message);
    }

    [Fact]
    public void Sizes_claiming_more_than_a_gzip_file_holds_are_a_truncation_not_an_allocation()
    {
        // 2 GB claimed, a few bytes present: the reader must not allocate the claimed size up front.
        string path = _directory.Write("liar.gz", DataTestFiles.Gzip(DataTestFiles.Idx(IdxReader.ImagesMagic, [2700000, 28, 28], [1, 2, 3])));
        long before = System.GC.GetAllocatedBytesForCurrentThread();

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.True(System.GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        Assert.Contains("call for 2116800000 data bytes", error.Message);
        Assert.Contains("found 3 data bytes", error.Message);
    }

    [Fact]
    public void Corrupt_gzip_data_is_reported_with_the_file_name()
    {
        byte[] gzip = DataTestFiles.Gzip(DataTestFiles.UnsignedByteIdx(50, 28, 28));
        for (int i = 20; i < gzip.Length - 8; i += 3)
        {
            gzip[i] ^= 0x5A;
        }
        string path = _directory.Write("corrupt.gz", gzip);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Missing_file_is_a_file_not_found_naming_it()
    {
        string path = _directory.Combine("absent-idx3-ubyte");

        var error = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message);
    }
}
