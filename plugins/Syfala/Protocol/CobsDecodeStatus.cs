namespace SyfalaGraph.Plugins.Syfala.Protocol;

/// <summary>What <see cref="CobsFrameDecoder.Decode"/> found in the bytes it consumed.</summary>
public enum CobsDecodeStatus : byte
{
    /// <summary>All input was consumed and no frame ended yet; feed more bytes.</summary>
    NeedMoreData = 0,

    /// <summary>A frame ended (its 0x00 terminator was consumed) and decoded; the frame bytes are returned.</summary>
    FrameDecoded = 1,

    /// <summary>A frame ended but was not valid COBS (a code byte pointed past the terminator); it was dropped.</summary>
    MalformedFrame = 2,

    /// <summary>A frame ended whose decoded length exceeded the decoder's maximum; it was dropped.</summary>
    FrameTooLong = 3,
}
