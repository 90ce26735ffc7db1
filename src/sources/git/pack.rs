//! A faster way to read commits: straight from the repository's pack files.
//!
//! Reading a long history is mostly inflating small zlib streams, one per
//! commit; zlib spends most of each one building its decoding tables.
//! libdeflate inflates the same commits in about 60% of the time when it is
//! told the size of the result, which a pack entry records. So commits
//! in a pack are found through the pack index here, inflated with
//! libdeflate (a commit stored as a delta of another, as git does for
//! some, is rebuilt from its base) and parsed here; everything else (loose
//! objects, alternates, SHA-256 repositories, anything unusual in a
//! header) returns `None` and is read through libgit2.
//!
//! The parse follows libgit2's (`commit_parse` and `git_signature__parse`)
//! for the fields relnotes uses; `tests/git_walk.rs` checks that both read
//! every commit of generated, packed histories the same way.

use std::path::Path;

/// The open pack files of a repository.
pub struct Packs {
    packs: Vec<Pack>,
    inflater: libdeflater::Decompressor,
    /// Where commits are inflated to, reused.
    buf: Vec<u8>,
    /// Objects that deltas were rebuilt from, by pack and offset: trees of
    /// consecutive commits are chains of deltas, and each base is then
    /// rebuilt once, not once per object above it.
    bases: std::collections::HashMap<(usize, usize), std::sync::Arc<[u8]>>,
    /// Bytes held in `bases` (emptied when it passes [`BASE_CACHE`]).
    base_bytes: usize,
}

/// How many bytes of rebuilt delta bases are kept.
const BASE_CACHE: usize = 16 << 20;

struct Pack {
    idx: memmap2::Mmap,
    data: memmap2::Mmap,
    count: usize,
    /// The part of `data` read since the last [`Packs::release_memory`].
    touched: std::cell::Cell<Option<(usize, usize)>>,
}

/// A commit as relnotes needs it, borrowing from [`Packs`]' buffer.
pub struct RawCommit<'a> {
    /// The commit's tree.
    pub tree: git2::Oid,
    pub parents: Vec<git2::Oid>,
    pub author_name: &'a [u8],
    pub author_email: &'a [u8],
    /// The author's time and offset (what `git log` shows).
    pub author_time: i64,
    pub author_offset_minutes: i32,
    /// The committer's time and offset, as `git2::Commit::time`.
    pub time: i64,
    pub offset_minutes: i32,
    pub encoding: Option<&'a [u8]>,
    pub message: &'a [u8],
}

const IDX_MAGIC: &[u8] = b"\xfftOc\x00\x00\x00\x02";
/// Pack entry types: stored whole, and deltas of an object at an earlier
/// offset or with a given id.
const COMMIT: u8 = 1;
const TREE: u8 = 2;
const TAG: u8 = 4;
const OFS_DELTA: u8 = 6;
const REF_DELTA: u8 = 7;
/// Longer delta chains are left to libgit2 (git's default is 50).
const MAX_DELTA_DEPTH: u32 = 100;
const OID: usize = 20;

impl Packs {
    /// The packs in `objects/pack` of a SHA-1 repository; none if the
    /// folder cannot be read (then every read goes through libgit2).
    pub fn open(git_dir: &Path, sha1: bool) -> Packs {
        let mut packs = Vec::new();
        let dir = git_dir.join("objects").join("pack");
        let mut idx_paths: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "idx"))
            .collect();
        idx_paths.sort();
        if sha1 {
            packs.extend(idx_paths.iter().filter_map(|p| Pack::open(p)));
        }
        Packs {
            packs,
            inflater: libdeflater::Decompressor::new(),
            buf: Vec::new(),
            bases: Default::default(),
            base_bytes: 0,
        }
    }

    /// The commit `id`, if a pack holds it whole and its header is of the
    /// usual shape.
    pub fn commit(&mut self, id: git2::Oid) -> Option<RawCommit<'_>> {
        match self.object(id)? {
            COMMIT => parse(&self.buf),
            _ => None,
        }
    }

    /// The raw entries of tree `id`, if a pack holds it.
    pub fn tree(&mut self, id: git2::Oid) -> Option<&[u8]> {
        match self.object(id)? {
            TREE => Some(&self.buf),
            _ => None,
        }
    }

    /// What the tag object or commit `id` points to, for a tag: the commit
    /// and the time (the tagger's, or for a lightweight tag the commit's).
    /// `None` for anything else (a tag of a tag, of a tree, no tagger line
    /// of the usual shape...): libgit2 then resolves it.
    pub fn peel(&mut self, id: git2::Oid) -> Option<(git2::Oid, i64, i32)> {
        match self.object(id)? {
            COMMIT => parse(&self.buf).map(|c| (id, c.time, c.offset_minutes)),
            TAG => {
                let (target, time, offset) = parse_tag(&self.buf)?;
                // The target must be a commit stored whole too.
                self.commit(target)?;
                Some((target, time, offset))
            }
            _ => None,
        }
    }

    /// Inflates object `id` into `buf` if a pack holds it (whole, or as a
    /// chain of deltas within the pack); its type.
    fn object(&mut self, id: git2::Oid) -> Option<u8> {
        let (k, offset) = self
            .packs
            .iter()
            .enumerate()
            .find_map(|(k, p)| p.offset(id.as_bytes()).map(|o| (k, o)))?;
        let mut buf = std::mem::take(&mut self.buf);
        let kind = self.object_at(k, offset, &mut buf, 0);
        self.buf = buf;
        kind
    }

    /// Inflates the object at `offset` of pack `k` into `out`, applying
    /// deltas to their bases (git stores some commits as deltas of
    /// others); its type. `None` for anything unusual: libgit2 then reads
    /// the object and reports what is wrong with it.
    fn object_at(&mut self, k: usize, offset: usize, out: &mut Vec<u8>, depth: u32) -> Option<u8> {
        // git never writes chains this long; a loop in a corrupt pack ends.
        if depth > MAX_DELTA_DEPTH {
            return None;
        }
        let (kind, size, mut pos) = entry_header(&self.packs[k].data, offset)?;
        let base = match kind {
            COMMIT | TREE | TAG => None,
            OFS_DELTA => {
                let data = &self.packs[k].data[..];
                let mut byte = *data.get(pos)?;
                pos += 1;
                let mut back = (byte & 0x7f) as usize;
                while byte & 0x80 != 0 {
                    byte = *data.get(pos)?;
                    pos += 1;
                    back = back.checked_add(1)?.checked_mul(128)? | (byte & 0x7f) as usize;
                }
                Some(offset.checked_sub(back).filter(|&b| b >= 12)?)
            }
            REF_DELTA => {
                let base_id = self.packs[k].data.get(pos..pos + OID)?;
                pos += OID;
                Some(self.packs[k].offset(base_id)?)
            }
            _ => return None,
        };
        let Some(base_offset) = base else {
            self.inflate(k, offset, pos, size, out)?;
            return Some(kind);
        };
        let mut delta = Vec::new();
        self.inflate(k, offset, pos, size, &mut delta)?;
        let (base_kind, source) = match self.bases.get(&(k, base_offset)) {
            Some(b) => (b[0], b.clone()),
            None => {
                let mut source = Vec::new();
                let base_kind = self.object_at(k, base_offset, &mut source, depth + 1)?;
                // Kept with its type in front.
                let mut kept = Vec::with_capacity(source.len() + 1);
                kept.push(base_kind);
                kept.extend_from_slice(&source);
                let kept: std::sync::Arc<[u8]> = kept.into();
                if self.base_bytes + kept.len() > BASE_CACHE {
                    self.bases.clear();
                    self.base_bytes = 0;
                }
                self.base_bytes += kept.len();
                self.bases.insert((k, base_offset), kept.clone());
                (base_kind, kept)
            }
        };
        apply_delta(&source[1..], &delta, out)?;
        Some(base_kind)
    }

    /// Inflates the `size` bytes of the pack entry at `offset` of pack `k`,
    /// whose compressed data starts at `pos`, into `buf`.
    fn inflate(
        &mut self,
        k: usize,
        offset: usize,
        pos: usize,
        size: usize,
        buf: &mut Vec<u8>,
    ) -> Option<()> {
        if size > 64 << 20 {
            return None;
        }
        let pack = &self.packs[k];
        buf.resize(size, 0);
        let n = self
            .inflater
            .zlib_decompress(pack.data.get(pos..)?, buf)
            .ok()?;
        if n != size {
            return None;
        }
        // The compressed data is no longer than its size plus zlib's
        // framing, for the pages to release later.
        let end = (pos + size + 64).min(pack.data.len());
        pack.touched.set(Some(match pack.touched.get() {
            Some((lo, hi)) => (lo.min(offset), hi.max(end)),
            None => (offset, end),
        }));
        Some(())
    }

    /// Lets the kernel take back the pages of pack data read so far: they
    /// stay in the page cache, but no longer count in this process's
    /// resident memory (a walk of a long history touches most of a pack).
    /// Index pages stay: every lookup reads them.
    pub fn release_memory(&self) {
        for pack in &self.packs {
            let touched = pack.touched.take();
            // (Other systems keep the pages: the advice exists on Unix.)
            #[cfg(unix)]
            if let Some((lo, hi)) = touched {
                // SAFETY: the mapping is shared, read-only and backed by a
                // file that is not modified, and nothing borrows from it
                // now (commits are parsed from `buf`): dropped pages are
                // read again on the next access, with the same contents.
                let _ = unsafe {
                    pack.data.unchecked_advise_range(
                        memmap2::UncheckedAdvice::DontNeed,
                        lo,
                        hi - lo,
                    )
                };
            }
            #[cfg(not(unix))]
            let _ = touched;
        }
    }
}

impl Pack {
    fn open(idx_path: &Path) -> Option<Pack> {
        let file = std::fs::File::open(idx_path).ok()?;
        // SAFETY: pack files are never modified in place (git writes new
        // ones and renames them); a concurrent `git gc` deleting one only
        // unlinks it, and the mapping stays valid.
        let idx = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        if idx.len() < 8 + 256 * 4 || &idx[..8] != IDX_MAGIC {
            return None;
        }
        let count = be32(&idx, 8 + 255 * 4)? as usize;
        // Names, CRCs, offsets, the large offsets (8 bytes each, at most
        // `count`) and two trailing hashes: the size tells SHA-1 indexes
        // from SHA-256 ones.
        let small = 8 + 256 * 4 + count * (OID + 8) + 2 * OID;
        if idx.len() < small
            || !(idx.len() - small).is_multiple_of(8)
            || idx.len() > small + 8 * count
        {
            return None;
        }
        let data_file = std::fs::File::open(idx_path.with_extension("pack")).ok()?;
        // SAFETY: as above.
        let data = unsafe { memmap2::Mmap::map(&data_file) }.ok()?;
        if data.len() < 12 || &data[..4] != b"PACK" || !valid_index(&idx, count) {
            return None;
        }
        Some(Pack {
            idx,
            data,
            count,
            touched: std::cell::Cell::new(None),
        })
    }

    /// Where `id` starts in the pack, if the index lists it.
    fn offset(&self, id: &[u8]) -> Option<usize> {
        find_offset(&self.idx, self.count, id, self.data.len())
    }
}

/// Whether a version 2 pack index of `count` objects is one the search can
/// use, checked as git does before use: the fan-out never decreases and
/// ends at `count`. That costs 1 KB of the index, whatever its size; every
/// offset is checked when it is looked up instead (see [`find_offset`]), so
/// that opening the repository does not read the whole index (a tenth of a
/// tag-time build). An index that fails is not used: its objects are read
/// through libgit2, which reports the corruption. Names out of order only
/// make the search miss (then libgit2 reads the object); a name it finds is
/// the object's own. (The trailing checksum is not verified, as git does not
/// on every use: hashing the index would cost more than the whole tag-time
/// build on a large repository.)
fn valid_index(idx: &[u8], count: usize) -> bool {
    let fanout = |i: usize| be32(idx, 8 + i * 4).map(|v| v as usize);
    let mut last = 0;
    for i in 0..256 {
        match fanout(i) {
            Some(v) if v >= last => last = v,
            _ => return false,
        }
    }
    last == count
}

/// Where `id` starts in the pack of `pack_len` bytes, from the pack index
/// `idx` (version 2, `count` objects): never an offset outside the pack's
/// objects (after its 12-byte header, before its 20-byte checksum), nor
/// one from outside the index's table of large offsets.
fn find_offset(idx: &[u8], count: usize, id: &[u8], pack_len: usize) -> Option<usize> {
    let offset = search_index(idx, count, id)?;
    (offset >= 12 && offset < pack_len.saturating_sub(OID)).then_some(offset)
}

/// [`find_offset`] before the offset is checked against the pack.
fn search_index(idx: &[u8], count: usize, id: &[u8]) -> Option<usize> {
    let first = id[0] as usize;
    let lo = if first == 0 {
        0
    } else {
        be32(idx, 8 + (first - 1) * 4)? as usize
    };
    let hi = be32(idx, 8 + first * 4)? as usize;
    let names = 8 + 256 * 4;
    let (mut lo, mut hi) = (lo, hi.min(count));
    // A fan-out that decreases (an index not checked by `valid_index`):
    // nothing to search, and no subtraction below may underflow.
    if lo > hi {
        return None;
    }
    // Names are compared by their first eight bytes as a number, which
    // almost always decides, before the rest.
    let prefix = |b: &[u8]| u64::from_be_bytes(b[..8].try_into().expect("eight bytes"));
    let key = prefix(id);
    let name_at = |i: usize| idx.get(names + i * OID..names + (i + 1) * OID);
    // Object names are uniformly spread: guess the position from the
    // bytes after the first and search a window around it, which is
    // one or two pages of the index instead of a dozen scattered ones.
    // Outside the window, the whole range is searched.
    const WINDOW: usize = 64;
    if hi - lo > 4 * WINDOW {
        let fraction = (key << 8) as u128; // the bytes after the first
        let guess = lo + ((fraction * (hi - lo) as u128) >> 64) as usize;
        let (w_lo, w_hi) = (
            guess.saturating_sub(WINDOW).max(lo),
            (guess + WINDOW).min(hi),
        );
        let below = name_at(w_lo)? <= id;
        let above = name_at(w_hi - 1)? >= id;
        if below && above {
            (lo, hi) = (w_lo, w_hi);
        }
    }
    while lo < hi {
        let mid = (lo + hi) / 2;
        let name = name_at(mid)?;
        match prefix(name).cmp(&key).then_with(|| name[8..].cmp(&id[8..])) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let offsets = names + count * (OID + 4);
                let small = be32(idx, offsets + mid * 4)?;
                if small & 0x8000_0000 == 0 {
                    return Some(small as usize);
                }
                // The large offsets lie between the small ones and the two
                // trailing hashes.
                let table = offsets + count * 4;
                let large_count = idx.len().saturating_sub(table + 2 * OID) / 8;
                let k = (small & 0x7fff_ffff) as usize;
                if k >= large_count {
                    return None;
                }
                let b = idx.get(table + k * 8..table + k * 8 + 8)?;
                return usize::try_from(u64::from_be_bytes(b.try_into().ok()?)).ok();
            }
        }
    }
    None
}

/// The type and inflated size of the pack entry at `offset`, and where
/// the rest of the entry starts.
fn entry_header(data: &[u8], offset: usize) -> Option<(u8, usize, usize)> {
    let mut pos = offset;
    let mut byte = *data.get(pos)?;
    pos += 1;
    let kind = (byte >> 4) & 7;
    let mut size = (byte & 0x0f) as usize;
    let mut shift = 4;
    while byte & 0x80 != 0 {
        byte = *data.get(pos)?;
        pos += 1;
        if shift > 56 {
            return None;
        }
        size |= ((byte & 0x7f) as usize) << shift;
        shift += 7;
    }
    Some((kind, size, pos))
}

/// A size in a delta's header: seven bits per byte, lowest first.
fn delta_size(delta: &[u8], pos: &mut usize) -> Option<usize> {
    let mut size = 0usize;
    let mut shift = 0;
    loop {
        let byte = *delta.get(*pos)?;
        *pos += 1;
        if shift > 56 {
            return None;
        }
        size |= ((byte & 0x7f) as usize) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return Some(size);
        }
    }
}

/// Rebuilds an object from its base and a git delta (copy and insert
/// instructions) into `out`; `None` if the delta does not fit the base.
fn apply_delta(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let mut pos = 0;
    if delta_size(delta, &mut pos)? != base.len() {
        return None;
    }
    let size = delta_size(delta, &mut pos)?;
    if size > 64 << 20 {
        return None;
    }
    out.clear();
    out.reserve(size);
    while pos < delta.len() {
        let cmd = delta[pos];
        pos += 1;
        if cmd & 0x80 != 0 {
            // Copy from the base: which bytes of offset and size follow.
            let mut field = |bits: u8, first: u32| -> Option<usize> {
                let mut v = 0usize;
                for i in 0..bits {
                    if cmd & (1 << (first + u32::from(i))) != 0 {
                        v |= (*delta.get(pos)? as usize) << (8 * i);
                        pos += 1;
                    }
                }
                Some(v)
            };
            let from = field(4, 0)?;
            let mut len = field(3, 4)?;
            if len == 0 {
                len = 0x10000;
            }
            out.extend_from_slice(base.get(from..from.checked_add(len)?)?);
        } else if cmd != 0 {
            let len = cmd as usize;
            out.extend_from_slice(delta.get(pos..pos + len)?);
            pos += len;
        } else {
            return None;
        }
    }
    (out.len() == size).then_some(())
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// The rest of the header line that starts `rest` with `prefix` (the line
/// end not included), and `rest` moved past that line; `None` if the line
/// does not start so or does not end.
fn header_line<'a>(rest: &mut &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let body = rest.strip_prefix(prefix)?;
    let end = body.iter().position(|&b| b == b'\n')?;
    *rest = &body[end + 1..];
    Some(&body[..end])
}

/// The fields of a commit object, as libgit2 reads them; `None` for any
/// header libgit2 would read differently or reject.
pub fn parse(raw: &[u8]) -> Option<RawCommit<'_>> {
    let mut rest = raw;
    let mut line = |prefix: &[u8]| header_line(&mut rest, prefix);
    let tree = hex_oid(line(b"tree ")?)?;
    let mut parents = Vec::new();
    while let Some(p) = line(b"parent ") {
        parents.push(hex_oid(p)?);
    }
    let (author_name, author_email, author_time, author_offset_minutes) =
        signature(line(b"author ")?)?;
    // Extra author lines are skipped, as libgit2 does.
    while line(b"author ").is_some() {}
    let (_, _, time, offset_minutes) = signature(line(b"committer ")?)?;
    // Other headers (continuation lines included) up to the empty line;
    // the last `encoding` wins.
    let mut encoding = None;
    let mut message: &[u8] = b"";
    let mut headers = rest;
    loop {
        if headers.is_empty() {
            break;
        }
        if headers[0] == b'\n' {
            message = &headers[1..];
            break;
        }
        let end = headers
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(headers.len());
        if let Some(e) = headers[..end].strip_prefix(b"encoding ") {
            encoding = Some(e);
        }
        headers = headers.get(end + 1..).unwrap_or(b"");
    }
    // libgit2 copies the message as a C string.
    if let Some(nul) = message.iter().position(|&b| b == 0) {
        message = &message[..nul];
    }
    if encoding.is_some_and(|e| e.contains(&0)) {
        return None;
    }
    Some(RawCommit {
        tree,
        parents,
        author_name,
        author_email,
        author_time,
        author_offset_minutes,
        time,
        offset_minutes,
        encoding,
        message,
    })
}

/// An annotated tag of a commit: the commit and the tagger's time.
fn parse_tag(raw: &[u8]) -> Option<(git2::Oid, i64, i32)> {
    let mut rest = raw;
    let mut line = |prefix: &[u8]| header_line(&mut rest, prefix);
    let target = hex_oid(line(b"object ")?)?;
    if line(b"type ")? != b"commit" {
        return None;
    }
    line(b"tag ")?;
    let (_, _, time, offset) = signature(line(b"tagger ")?)?;
    Some((target, time, offset))
}

fn hex_oid(hex: &[u8]) -> Option<git2::Oid> {
    if hex.len() != 2 * OID {
        return None;
    }
    let mut bytes = [0u8; OID];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        bytes[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    git2::Oid::from_bytes(&bytes).ok()
}

/// `Name <email> 1700000000 +0100` -> name, email, time, offset in
/// minutes; only this exact shape (anything else goes to libgit2).
fn signature(s: &[u8]) -> Option<(&[u8], &[u8], i64, i32)> {
    let lt = s.iter().rposition(|&b| b == b'<')?;
    let gt = s.iter().rposition(|&b| b == b'>')?;
    if gt <= lt {
        return None;
    }
    let name = trim_crud(&s[..lt]);
    let email = trim_crud(&s[lt + 1..gt]);
    let tail = s[gt + 1..].strip_prefix(b" ")?;
    let space = tail.iter().position(|&b| b == b' ')?;
    let (digits, tz) = (&tail[..space], &tail[space + 1..]);
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let time: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    if tz.len() != 5 || !(tz[0] == b'+' || tz[0] == b'-') || !tz[1..].iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let n = |b: &[u8]| ((b[0] - b'0') * 10 + (b[1] - b'0')) as i32;
    let (hours, mins) = (n(&tz[1..3]), n(&tz[3..5]));
    // libgit2 keeps only offsets that can exist, else uses zero.
    let offset = if hours <= 14 && mins <= 59 {
        let o = hours * 60 + mins;
        if tz[0] == b'-' {
            -o
        } else {
            o
        }
    } else {
        0
    };
    Some((name, email, time, offset))
}

/// libgit2 trims these from both ends of a name and an e-mail address.
fn trim_crud(mut s: &[u8]) -> &[u8] {
    let crud = |c: u8| c <= 32 || b",:;<>\"\\'".contains(&c);
    while let [first, rest @ ..] = s {
        if !crud(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !crud(*last) {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    pub(super) fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> String {
        use std::io::Write;
        let mut child = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        if let Some(input) = input {
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?} failed");
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Every commit of a packed repository with unusual headers reads the
    /// same from the pack as through libgit2, and the usual ones do not
    /// fall back to libgit2.
    #[test]
    fn pack_reader_reads_commits_as_libgit2_does() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"], None);
        let tree = git(dir, &["mktree"], Some(b""));
        let sig = "A U Thor <a@example.com> 1700000000 +0100";
        let mut bodies: Vec<Vec<u8>> = vec![
            format!("tree {tree}\nauthor {sig}\ncommitter {sig}\n\nfeat: first\n\nbody\n").into(),
            format!("tree {tree}\nauthor {sig}\ncommitter C <c@x> 1700000100 -0130\n\n").into(),
            format!("tree {tree}\nauthor {sig}\ncommitter {sig}").into(),
            format!("tree {tree}\nauthor  'Crud, Name;'  <  m@x  > 5 +1500\ncommitter {sig}\n\nx\n").into(),
            format!("tree {tree}\nauthor {sig}\nauthor Second <s@x> 1 +0000\ncommitter {sig}\n\nmany authors\n").into(),
            [
                format!("tree {tree}\nauthor {sig}\ncommitter {sig}\nencoding ISO-8859-1\n\n").as_bytes(),
                b"caf\xe9 cr\xe8me\n",
            ]
            .concat(),
            format!("tree {tree}\nauthor {sig}\ncommitter {sig}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nsigned\n").into(),
            format!("tree {tree}\nauthor {sig}\ncommitter {sig}\n\nnul \0 inside\n").into(),
            format!("tree {tree}\nauthor Odd <o@x>  7 +0000\ncommitter {sig}\n\nodd spacing\n").into(),
            format!("tree {tree}\nauthor {sig}\ncommitter {sig}\n\n\u{1F389} ünïcode\n").into(),
        ];
        let mut ids = Vec::new();
        for body in bodies.iter_mut() {
            let id = git(
                dir,
                &[
                    "hash-object",
                    "-t",
                    "commit",
                    "-w",
                    "--literally",
                    "--stdin",
                ],
                Some(body),
            );
            ids.push(id);
        }
        // A merge of two of them, and a child of the merge.
        let merge = format!(
            "tree {tree}\nparent {}\nparent {}\nauthor {sig}\ncommitter {sig}\n\nMerge\n",
            ids[0], ids[1]
        );
        let merge_id = git(
            dir,
            &["hash-object", "-t", "commit", "-w", "--stdin"],
            Some(merge.as_bytes()),
        );
        ids.push(merge_id);
        for (i, id) in ids.iter().enumerate() {
            git(dir, &["update-ref", &format!("refs/heads/b{i}"), id], None);
        }
        // An annotated tag of a commit, and a tag of that tag.
        let tag = git(
            dir,
            &["mktag"],
            Some(
                format!(
                    "object {}\ntype commit\ntag v1\ntagger T <t@x> 1700000500 +0200\n\nv1\n",
                    ids[0]
                )
                .as_bytes(),
            ),
        );
        let tag_of_tag = git(
            dir,
            &["mktag"],
            Some(
                format!(
                    "object {tag}\ntype tag\ntag v1b\ntagger T <t@x> 1700000600 +0000\n\nv1b\n"
                )
                .as_bytes(),
            ),
        );
        git(dir, &["update-ref", "refs/tags/v1", &tag], None);
        git(dir, &["update-ref", "refs/tags/v1b", &tag_of_tag], None);
        // No deltas: each odd header is read on its own here (deltas have
        // a test of their own below).
        git(dir, &["repack", "-a", "-d", "-q", "--window=0"], None);

        let repo = git2::Repository::open(dir).unwrap();
        let mut packs = super::Packs::open(repo.path(), true);
        let mut from_pack = 0;
        for id in &ids {
            let oid = git2::Oid::from_str(id).unwrap();
            let Ok(c) = repo.find_commit(oid) else {
                // What libgit2 rejects is not read here either.
                assert!(packs.commit(oid).is_none(), "{id}");
                continue;
            };
            let Some(p) = packs.commit(oid) else {
                continue;
            };
            from_pack += 1;
            assert_eq!(p.parents, c.parent_ids().collect::<Vec<_>>(), "{id}");
            assert_eq!(p.author_name, c.author().name_bytes(), "{id}");
            assert_eq!(p.author_email, c.author().email_bytes(), "{id}");
            assert_eq!(p.time, c.time().seconds(), "{id}");
            assert_eq!(p.offset_minutes, c.time().offset_minutes(), "{id}");
            assert_eq!(p.message, c.message_raw_bytes(), "{id}");
            assert_eq!(
                p.encoding.map(|e| String::from_utf8_lossy(e).into_owned()),
                c.message_encoding().ok().flatten().map(str::to_string),
                "{id}"
            );
        }
        // All but the one without a line end after the committer (which
        // libgit2 rejects) and the one with odd spacing in its signature.
        assert_eq!(from_pack, ids.len() - 2);
        // Tags resolve as libgit2 resolves them; a tag of a tag is left to
        // libgit2.
        let tag_oid = git2::Oid::from_str(&tag).unwrap();
        let t = repo.find_tag(tag_oid).unwrap();
        let when = t.tagger().unwrap().when();
        assert_eq!(
            packs.peel(tag_oid),
            Some((t.target_id(), when.seconds(), when.offset_minutes()))
        );
        let first = git2::Oid::from_str(&ids[0]).unwrap();
        let c = repo.find_commit(first).unwrap();
        assert_eq!(
            packs.peel(first),
            Some((first, c.time().seconds(), c.time().offset_minutes()))
        );
        assert_eq!(packs.peel(git2::Oid::from_str(&tag_of_tag).unwrap()), None);
        // A commit that is not in any pack is not found here.
        let loose = git(
            dir,
            &["hash-object", "-t", "commit", "-w", "--stdin"],
            Some(format!("tree {tree}\nauthor {sig}\ncommitter {sig}\n\nloose\n").as_bytes()),
        );
        assert!(packs.commit(git2::Oid::from_str(&loose).unwrap()).is_none());
    }
}

#[cfg(test)]
mod delta_tests {
    use super::tests::git;

    /// Commits git stores as deltas of other commits (a repack with a
    /// large window does so for similar commits, as on git's own history)
    /// are rebuilt here exactly as libgit2 reads them, without falling
    /// back to it, and so are tags.
    #[test]
    fn commits_stored_as_deltas_read_as_libgit2_reads_them() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        git(dir, &["init", "-q", "-b", "main"], None);
        let tree = git(dir, &["mktree"], Some(b""));
        let body = "A long body that repeats, so that git finds the commits alike. ".repeat(12);
        let mut ids = Vec::new();
        let mut parent: Option<String> = None;
        for i in 0..40 {
            let mut text = format!("tree {tree}\n");
            if let Some(p) = &parent {
                text.push_str(&format!("parent {p}\n"));
            }
            let sig = format!("A U Thor <a@example.com> {} +0100", 1_700_000_000 + i * 60);
            text.push_str(&format!(
                "author {sig}\ncommitter {sig}\n\nfix: change {i}\n\n{body}\n"
            ));
            let id = git(
                dir,
                &["hash-object", "-t", "commit", "-w", "--stdin"],
                Some(text.as_bytes()),
            );
            parent = Some(id.clone());
            ids.push(id);
        }
        git(dir, &["update-ref", "refs/heads/main", &ids[39]], None);
        git(
            dir,
            &[
                "repack",
                "-a",
                "-d",
                "-f",
                "-q",
                "--window=50",
                "--depth=50",
            ],
            None,
        );
        let pack_dir = dir.join(".git/objects/pack");
        let idx = std::fs::read_dir(&pack_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .unwrap();
        let listing = git(dir, &["verify-pack", "-v", idx.to_str().unwrap()], None);
        // Deltas list their depth and base after the sizes.
        let deltas = listing
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("commit"))
            .filter(|l| l.split_whitespace().count() >= 7)
            .count();
        assert!(
            deltas > 20,
            "only {deltas} commits stored as deltas:\n{listing}"
        );

        let repo = git2::Repository::open(dir).unwrap();
        let mut packs = super::Packs::open(repo.path(), true);
        for id in &ids {
            let oid = git2::Oid::from_str(id).unwrap();
            let c = repo.find_commit(oid).unwrap();
            let p = packs.commit(oid).expect("read from the pack, delta or not");
            assert_eq!(p.parents, c.parent_ids().collect::<Vec<_>>(), "{id}");
            assert_eq!(p.time, c.time().seconds(), "{id}");
            assert_eq!(p.author_name, c.author().name_bytes(), "{id}");
            assert_eq!(p.message, c.message_raw_bytes(), "{id}");
        }
    }

    /// Deltas that do not fit their base, or are cut short, or are any
    /// bytes at all, are refused and never panic.
    #[test]
    fn broken_deltas_are_refused_and_never_panic() {
        let base = b"tree 0123\nauthor A <a@x> 1 +0000\n\nbase message\n".to_vec();
        let mut out = Vec::new();
        // A valid delta: copy the whole base, then insert two bytes.
        let good = [
            base.len() as u8,
            base.len() as u8 + 2,
            0x90,
            base.len() as u8,
            2,
            b'o',
            b'k',
        ];
        assert!(super::apply_delta(&base, &good, &mut out).is_some());
        assert_eq!(&out[..base.len()], &base[..]);
        assert_eq!(&out[base.len()..], b"ok");
        // Wrong base size, copy past the end, truncated insert, zero command.
        for bad in [
            &[1u8, 1, 0x90, 1][..],
            &[base.len() as u8, 200, 0x91, 0, 200][..],
            &[base.len() as u8, 5, 5, b'a'][..],
            &[base.len() as u8, 1, 0][..],
            &[][..],
        ] {
            assert!(
                super::apply_delta(&base, bad, &mut out).is_none(),
                "{bad:?}"
            );
        }
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 24) as usize;
            let bytes: Vec<u8> = (0..len).map(|i| (state >> (i % 8 * 8)) as u8).collect();
            let _ = super::apply_delta(&base, &bytes, &mut out);
        }
    }
}

#[cfg(test)]
mod index_tests {
    /// The index search finds every name of a large, uniformly spread
    /// index (the windowed guess and the fallback to the whole range), with
    /// small and large offsets, and nothing that is not listed.
    #[test]
    fn index_search_finds_every_listed_name_and_nothing_else() {
        let count = 200_000usize;
        // Deterministic pseudo-random names, sorted.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut names: Vec<[u8; 20]> = (0..count)
            .map(|_| {
                let mut n = [0u8; 20];
                for chunk in n.chunks_mut(8) {
                    let v = next().to_be_bytes();
                    chunk.copy_from_slice(&v[..chunk.len()]);
                }
                n
            })
            .collect();
        // A cluster of names sharing their first nine bytes defeats the
        // guess; the whole range is searched then.
        for (k, n) in names.iter_mut().take(500).enumerate() {
            *n = [7; 20];
            n[19] = (k % 256) as u8;
            n[18] = (k / 256) as u8;
        }
        names.sort();
        names.dedup();
        let count = names.len();
        let offset_of = |i: usize| {
            if i.is_multiple_of(1000) {
                (1u64 << 33) + i as u64
            } else {
                12 + 40 * i as u64
            }
        };
        let mut idx = b"\xfftOc\x00\x00\x00\x02".to_vec();
        for b in 0..256usize {
            let upto = names.iter().filter(|n| (n[0] as usize) <= b).count() as u32;
            idx.extend_from_slice(&upto.to_be_bytes());
        }
        for n in &names {
            idx.extend_from_slice(n);
        }
        idx.extend(std::iter::repeat_n(0u8, count * 4));
        let mut large = Vec::new();
        for i in 0..count {
            let o = offset_of(i);
            if o < 0x8000_0000 {
                idx.extend_from_slice(&(o as u32).to_be_bytes());
            } else {
                idx.extend_from_slice(&(0x8000_0000u32 | large.len() as u32).to_be_bytes());
                large.push(o);
            }
        }
        for o in large {
            idx.extend_from_slice(&o.to_be_bytes());
        }
        // The pack's and the index's own hashes end the index.
        idx.extend(std::iter::repeat_n(0u8, 40));
        for (i, n) in names.iter().enumerate() {
            assert_eq!(
                super::find_offset(&idx, count, n, usize::MAX),
                Some(offset_of(i) as usize),
                "name {i}"
            );
        }
        for _ in 0..10_000 {
            let mut n = [0u8; 20];
            for chunk in n.chunks_mut(8) {
                let v = next().to_be_bytes();
                chunk.copy_from_slice(&v[..chunk.len()]);
            }
            if names.binary_search(&n).is_err() {
                assert_eq!(super::find_offset(&idx, count, &n, usize::MAX), None);
            }
        }
    }

    /// A small valid index: sorted pseudo-random names, a few large
    /// offsets, a pack of `pack_len` bytes.
    fn small_index(count: usize, pack_len: u64) -> (Vec<u8>, Vec<[u8; 20]>) {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut names: Vec<[u8; 20]> = (0..count)
            .map(|_| {
                let mut n = [0u8; 20];
                for chunk in n.chunks_mut(8) {
                    let v = next().to_be_bytes();
                    chunk.copy_from_slice(&v[..chunk.len()]);
                }
                n
            })
            .collect();
        names.sort();
        names.dedup();
        let count = names.len();
        let mut idx = b"\xfftOc\x00\x00\x00\x02".to_vec();
        for b in 0..256usize {
            let upto = names.iter().filter(|n| (n[0] as usize) <= b).count() as u32;
            idx.extend_from_slice(&upto.to_be_bytes());
        }
        for n in &names {
            idx.extend_from_slice(n);
        }
        idx.extend(std::iter::repeat_n(0u8, count * 4));
        let mut large = Vec::new();
        for i in 0..count {
            if i % 97 == 5 {
                idx.extend_from_slice(&(0x8000_0000u32 | large.len() as u32).to_be_bytes());
                large.push(pack_len - 100 - i as u64);
            } else {
                idx.extend_from_slice(&(12 + 30 * i as u32).to_be_bytes());
            }
        }
        for o in large {
            idx.extend_from_slice(&o.to_be_bytes());
        }
        idx.extend(std::iter::repeat_n(0u8, 40));
        (idx, names)
    }

    /// A corrupt index is refused or answers within the pack, never panics
    /// (bounded: 3,000 corruptions of one to three bytes, and the
    /// structural corruptions an attacker would make consistent).
    #[test]
    fn corrupt_indexes_are_refused_and_never_panic() {
        let pack_len = 1u64 << 33;
        let (good, names) = small_index(1500, pack_len);
        let count = names.len();
        let len = pack_len as usize;
        let limit = len - 20;
        assert!(super::valid_index(&good, count));
        for (i, n) in names.iter().enumerate() {
            let want = if i % 97 == 5 {
                len - 100 - i
            } else {
                12 + 30 * i
            };
            assert_eq!(super::find_offset(&good, count, n, len), Some(want));
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            let mut idx = good.clone();
            for _ in 0..1 + round % 3 {
                let at = (next() as usize) % idx.len();
                idx[at] ^= 1 << (next() % 8);
            }
            // Whether or not the fan-out still passes, no answer lies
            // outside the pack.
            for n in names.iter().step_by(97) {
                let found = super::find_offset(&idx, count, n, len);
                assert!(
                    found.is_none_or(|o| (12..limit).contains(&o)),
                    "round {round}"
                );
            }
        }
        // Decreasing fan-out: refused, and the search itself stays safe.
        let mut idx = good.clone();
        idx[8 + 10 * 4..8 + 11 * 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(!super::valid_index(&idx, count));
        for n in &names {
            let _ = super::find_offset(&idx, count, n, len);
        }
        // Names out of order: a name found is the object's own entry.
        let mut idx = good.clone();
        let names_at = 8 + 256 * 4;
        idx.swap(names_at, names_at + 20);
        for n in &names {
            if let Some(o) = super::find_offset(&idx, count, n, len) {
                let i = names.iter().position(|m| m == n).unwrap();
                assert!(o == 12 + 30 * i || o == len - 100 - i, "{o}");
            }
        }
        // An offset past the end of the pack: not answered.
        let mut idx = good.clone();
        let offsets = names_at + count * 24;
        idx[offsets..offsets + 4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
        assert_eq!(super::find_offset(&idx, count, &names[0], 1 << 20), None);
        // A large offset naming no entry of the large table: not answered,
        // even where the bytes after the table (the trailing hashes) exist.
        let mut idx = good.clone();
        let large_count = (0..count).filter(|i| i % 97 == 5).count() as u32;
        idx[offsets..offsets + 4].copy_from_slice(&(0x8000_0000 | large_count).to_be_bytes());
        assert_eq!(super::find_offset(&idx, count, &names[0], len), None);
        idx[offsets..offsets + 4].copy_from_slice(&0x8000_ffffu32.to_be_bytes());
        assert_eq!(super::find_offset(&idx, count, &names[0], len), None);
    }
}
