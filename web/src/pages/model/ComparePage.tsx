import { Placeholder } from '../../components/Placeholder';

export default function ComparePage() {
  return <Placeholder title="Compare versions" />;
}
