import { describe, expect, it } from 'vitest'
import { fileHeaderXml, parseStreamFooterXml, parseStreamInfoXml, streamFooterXml, XdfMetadataError } from '../../../../src/shared/xdf/info'

describe('parseStreamInfoXml', () => {
  it('reads the sparse header of minimal.xdf, defaulting what is missing', () => {
    const xml = `<?xml version="1.0"?>
<info>
    <name>SendDataC</name>
    <type>EEG</type>
    <channel_count>3</channel_count>
    <nominal_srate>10</nominal_srate>
    <channel_format>int16</channel_format>
    <created_at>50942.723319709003</created_at>
    <desc/>
    <uid>xdfwriter_11_int</uid>
</info>`
    expect(parseStreamInfoXml(xml)).toEqual({
      name: 'SendDataC',
      type: 'EEG',
      channelCount: 3,
      nominalSrate: 10,
      channelFormat: 'int16',
      sourceId: '',
      hostname: '',
      uid: 'xdfwriter_11_int',
      createdAt: 50942.723319709003,
    })
  })

  it('reads a liblsl header with channel descriptions and padded numbers', () => {
    const xml = `<?xml version="1.0"?>
<info>
	<name>Data</name><type>data</type><channel_count>2</channel_count><channel_format>float32</channel_format>
	<source_id>src</source_id><nominal_srate>250.000000000000000</nominal_srate><hostname>kassia</hostname><v4address />
	<desc><manufacturer>x</manufacturer><channels>
		<channel><label>Fp1</label><unit>microvolts</unit><type>EEG</type></channel>
		<channel><label>ch:02</label></channel>
	</channels></desc>
</info>`
    const description = parseStreamInfoXml(xml)
    expect(description.nominalSrate).toBe(250)
    expect(description.sourceId).toBe('src')
    expect(description.hostname).toBe('kassia')
    expect(description.createdAt).toBeUndefined()
    expect(description.channels).toEqual([{ label: 'Fp1', unit: 'microvolts', type: 'EEG' }, { label: 'ch:02' }])
  })

  it('treats a missing or negative rate as irregular', () => {
    const base = '<info><channel_count>1</channel_count><channel_format>string</channel_format>'
    expect(parseStreamInfoXml(`${base}</info>`).nominalSrate).toBe(0)
    expect(parseStreamInfoXml(`${base}<nominal_srate>-1</nominal_srate></info>`).nominalSrate).toBe(0)
  })

  it('refuses headers that do not say how to decode samples', () => {
    expect(() => parseStreamInfoXml('<other/>')).toThrow(XdfMetadataError)
    expect(() => parseStreamInfoXml('<info><channel_count>2</channel_count></info>')).toThrow(/channel_format/)
    expect(() => parseStreamInfoXml('<info><channel_format>int8</channel_format></info>')).toThrow(/channel_count/)
    expect(() => parseStreamInfoXml('<info><channel_count>0</channel_count><channel_format>int8</channel_format></info>')).toThrow(/channel_count/)
    expect(() => parseStreamInfoXml('<info><channel_count>1.5</channel_count><channel_format>int8</channel_format></info>')).toThrow(/channel_count/)
  })
})

describe('stream footer', () => {
  it('round-trips through streamFooterXml and parseStreamFooterXml', () => {
    const footer = { firstTimestamp: 401340.7970979316, lastTimestamp: 401350.7970979316, sampleCount: 10, clockOffsets: [{ time: 401322.6950535755, value: -3.67984757758677e-5 }] }
    expect(parseStreamFooterXml(streamFooterXml(footer))).toEqual(footer)
  })

  it('reads partial footers field by field', () => {
    expect(parseStreamFooterXml('<info><sample_count>3</sample_count><clock_offsets><offset><time>x</time><value>1</value></offset></clock_offsets></info>')).toEqual({
      sampleCount: 3,
      clockOffsets: [],
    })
    expect(parseStreamFooterXml('garbage')).toEqual({})
  })
})

describe('fileHeaderXml', () => {
  it('passes a datetime string through escaped', () => {
    expect(fileHeaderXml('', '2024-01-02T03:04:05+0200')).toBe('<?xml version="1.0"?><info><version>1.0</version><datetime>2024-01-02T03:04:05+0200</datetime></info>')
  })
})
