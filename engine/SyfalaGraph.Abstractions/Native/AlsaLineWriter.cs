namespace SyfalaGraph.Abstractions.Native;

// Design: alsa-lib hands its error handler a printf format and variadic arguments, and no va_list-taking variant to
// format them with (Debian's 1.2.8). This writes the line into a ring slot with no allocation, for the conversions
// alsa-lib's messages use: %s %c %d %i %u %x %X %p %% with the h/l/ll/z/j/t length modifiers and flags, width and
// precision skipped (a '*' takes an argument). A conversion that takes a floating-point argument (which travels in
// another register file) is written as '?' and takes no integer argument; when the format names more integer
// arguments than there are, the rest is written as '?'. The text is cut at the slot's capacity.

/// <summary>Formats one alsa-lib error line into fixed native memory. Real-time safe (no allocation).</summary>
internal unsafe ref struct AlsaLineWriter
{
    private readonly byte* _text;
    private readonly int _capacity;

    public AlsaLineWriter(byte* text, int capacity)
    {
        _text = text;
        _capacity = capacity;
        Length = 0;
    }

    /// <summary>Bytes written.</summary>
    public int Length { get; private set; }

    public void Byte(byte b)
    {
        if (Length < _capacity)
        {
            _text[Length++] = b;
        }
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Byte(b);
        }
    }

    /// <summary>A NUL-terminated string; "(null)" for a null pointer.</summary>
    public void CString(byte* s)
    {
        if (s == null)
        {
            Bytes("(null)"u8);
            return;
        }

        for (int i = 0; s[i] != 0 && Length < _capacity; i++)
        {
            Byte(s[i]);
        }
    }

    public void Integer(long value)
    {
        if (value < 0)
        {
            Byte((byte)'-');
            Unsigned((ulong)(-(value + 1)) + 1, 10, upper: false);
        }
        else
        {
            Unsigned((ulong)value, 10, upper: false);
        }
    }

    public void Unsigned(ulong value, uint radix, bool upper)
    {
        byte* digits = stackalloc byte[24];
        int n = 0;
        do
        {
            uint d = (uint)(value % radix);
            digits[n++] = (byte)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
            value /= radix;
        }
        while (value != 0);

        while (n > 0)
        {
            Byte(digits[--n]);
        }
    }

    /// <summary>Writes <paramref name="format"/> with the integer-class arguments <paramref name="args"/> (see the design note).</summary>
    public void Format(byte* format, nint* args, int count)
    {
        if (format == null)
        {
            return;
        }

        int next = 0;
        for (byte* p = format; *p != 0 && Length < _capacity; p++)
        {
            if (*p != '%')
            {
                Byte(*p);
                continue;
            }

            p++;
            while (*p is (byte)'-' or (byte)'+' or (byte)' ' or (byte)'#' or (byte)'0' or (byte)'.' or (byte)'*' or (>= (byte)'1' and <= (byte)'9'))
            {
                if (*p == '*')
                {
                    next++;
                }

                p++;
            }

            int longs = 0;
            while (*p is (byte)'h' or (byte)'l' or (byte)'z' or (byte)'j' or (byte)'t' or (byte)'L' or (byte)'q')
            {
                if (*p is (byte)'l' or (byte)'z' or (byte)'j' or (byte)'t' or (byte)'q')
                {
                    longs++;
                }

                p++;
            }

            byte conversion = *p;
            if (conversion == 0)
            {
                return;
            }

            if (conversion == '%')
            {
                Byte((byte)'%');
                continue;
            }

            if (conversion is (byte)'f' or (byte)'F' or (byte)'e' or (byte)'E' or (byte)'g' or (byte)'G' or (byte)'a' or (byte)'A')
            {
                Byte((byte)'?');
                continue;
            }

            if (next >= count)
            {
                Byte((byte)'?');
                continue;
            }

            nint arg = args[next++];
            switch (conversion)
            {
                case (byte)'s':
                    CString((byte*)arg);
                    break;
                case (byte)'c':
                    Byte((byte)arg);
                    break;
                case (byte)'d' or (byte)'i':
                    Integer(longs > 0 ? (long)arg : (int)arg);
                    break;
                case (byte)'u':
                    Unsigned(longs > 0 ? (ulong)arg : (uint)arg, 10, upper: false);
                    break;
                case (byte)'x' or (byte)'X':
                    Unsigned(longs > 0 ? (ulong)arg : (uint)arg, 16, upper: conversion == 'X');
                    break;
                case (byte)'p':
                    Bytes("0x"u8);
                    Unsigned((ulong)arg, 16, upper: false);
                    break;
                default:
                    Byte((byte)'?');
                    break;
            }
        }
    }
}
